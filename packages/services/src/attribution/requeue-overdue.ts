import type { ServiceContext } from '../context.ts'
import { scheduleAttributionLookup } from './schedule-lookup.ts'

/**
 * PostgreSQL is the truth for attribution lookups too: a `pending` row whose next lookup is overdue by more
 * than `graceMs` lost its job (Redis flushed, enqueue failed after commit): re-enqueued under the same
 * lookup number, and the compare-and-set in the lookup makes a duplicate harmless. Run from the scheduler
 * sweep.
 */
export async function requeueOverdueAttributions(
  ctx: ServiceContext,
  options: { graceMs?: number; limit?: number } = {},
): Promise<number> {
  const now = ctx.now()
  const overdue = await ctx.db.driftAttribution.findMany({
    where: {
      status: 'pending',
      nextLookupAt: { lte: new Date(now.getTime() - (options.graceMs ?? 120_000)) },
    },
    orderBy: { nextLookupAt: 'asc' },
    take: options.limit ?? 500,
    select: { checkRunId: true, attempts: true },
  })
  for (const row of overdue) await scheduleAttributionLookup({ ctx }, row.checkRunId, row.attempts + 1, now)
  return overdue.length
}
