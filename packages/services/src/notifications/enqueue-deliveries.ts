import type { Enqueue } from '../context.ts'

/**
 * Enqueues one `notify` job per delivery id. Call after the transaction that created the deliveries has
 * committed. Job ids are deterministic (`notify-<deliveryId>`), so enqueueing twice is harmless.
 */
export async function enqueueDeliveries(enqueue: Enqueue, deliveryIds: readonly string[]): Promise<void> {
  for (const deliveryId of deliveryIds) await enqueue('notify', { deliveryId })
}

/**
 * The same, for callers whose own work already committed and must not be reported as failed because Redis
 * hiccuped: errors are logged, not thrown. The deliveries stay `pending` in Postgres and
 * `requeuePendingDeliveries` (run by the sweep) enqueues them again.
 */
export async function enqueueDeliveriesSafely(
  enqueue: Enqueue,
  deliveryIds: readonly string[],
  log?: (msg: string, fields?: Record<string, unknown>) => void,
): Promise<void> {
  try {
    await enqueueDeliveries(enqueue, deliveryIds)
  } catch (err) {
    log?.('could not enqueue notifications; the sweep will retry', {
      deliveries: deliveryIds.length,
      error: err instanceof Error ? err.message : String(err),
    })
  }
}
