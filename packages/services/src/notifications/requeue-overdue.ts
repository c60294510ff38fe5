import type { Db } from '@crosstrust/db'

/**
 * Postgres is the truth for deliveries too: a pending delivery whose next attempt is overdue by more than
 * `graceMs` lost its job (Redis flushed, enqueue failed after commit, a worker died between attempts).
 * This re-schedules them; the claim in `deliverWebhook` makes a duplicate job harmless. Run it from the
 * scheduler sweep.
 */
export async function requeueOverdueDeliveries(
  db: Db,
  now: Date,
  schedule: (deliveryId: string, attempt: number) => Promise<void>,
  options: { graceMs?: number; limit?: number } = {},
): Promise<number> {
  const overdue = await db.webhookDelivery.findMany({
    where: {
      status: 'pending',
      nextAttemptAt: { lte: new Date(now.getTime() - (options.graceMs ?? 60_000)) },
    },
    orderBy: { nextAttemptAt: 'asc' },
    take: options.limit ?? 500,
    select: { id: true, attempts: true },
  })
  for (const delivery of overdue) await schedule(delivery.id, delivery.attempts + 1)
  return overdue.length
}
