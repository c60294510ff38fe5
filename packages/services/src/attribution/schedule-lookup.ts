import type { ServiceContext } from '../context.ts'

/**
 * Enqueues lookup number `lookup` of a drift's attribution to run at `at` (after the commit that stored the
 * row as `pending`). A lost job is not lost work: the sweep re-enqueues overdue pending lookups.
 */
export async function scheduleAttributionLookup(
  deps: { ctx: ServiceContext; log?: (msg: string, fields?: Record<string, unknown>) => void },
  checkRunId: string,
  lookup: number,
  at: Date,
): Promise<void> {
  try {
    await deps.ctx.enqueue(
      'attribute-drift',
      { checkRunId, lookup },
      { delayMs: Math.max(0, at.getTime() - deps.ctx.now().getTime()) },
    )
  } catch (err) {
    deps.log?.('attribution lookup not enqueued; the sweep will', {
      checkRunId,
      err: err instanceof Error ? err.message : String(err),
    })
  }
}
