import type { ServiceContext } from '../context.ts'
import { persistRun, type RunTrigger } from '../runs/persist-run.ts'

/**
 * A check that found another job (an apply, an onboarding, an offboarding, or a duplicate check) holding the
 * tenant: it does not race, it records a `skipped` run. If the customer is still due, the next sweep picks it
 * up again after `retrySeconds` (the holder usually reschedules it itself when it finishes). One statement.
 */
export async function recordSkippedCheck(
  ctx: ServiceContext,
  input: {
    customerId: string
    trigger: RunTrigger
    holder: string | null
    retrySeconds: number
    /**
     * A scheduled check's due time: recorded only while the customer is still due at exactly that time.
     * Otherwise the holder is the batch that claimed this very check (a duplicate job met it), not a skip.
     */
    dueAt?: Date
  },
): Promise<{ runId: string } | null> {
  const now = ctx.now()
  const exists = await ctx.db.customer.count({
    where: { id: input.customerId, ...(input.dueAt === undefined ? {} : { nextCheckAt: input.dueAt }) },
  })
  if (exists === 0) return null
  const { runId } = await persistRun(
    ctx.db,
    {
      customerId: input.customerId,
      kind: 'check',
      trigger: input.trigger,
      outcome: 'skipped',
      policyVersion: null,
      diff: null,
      observedSnapshot: null,
      observedHash: null,
      before: null,
      after: null,
      errorCode: 'tenant_busy',
      errorMessage: `Another job holds this tenant${input.holder === null ? '' : ` (${input.holder})`}; not racing it.`,
      graphRequestId: null,
      durationMs: 0,
      startedAt: now,
      finishedAt: now,
      actor: 'system',
    },
    {
      linkRun: false,
      nextCheckAt: new Date(now.getTime() + input.retrySeconds * 1000),
      onlyIfDueBy: now,
    },
    'onboarded',
  )
  return { runId }
}
