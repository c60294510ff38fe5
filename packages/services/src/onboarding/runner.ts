import { planOnboardingRun } from '@crosstrust/core'
import { enqueueDeliveriesSafely } from '../notifications/enqueue-deliveries.ts'
import { loadSteps, resetFrom } from '../onboarding-steps.ts'
import { currentPolicy } from '../policy-store.ts'
import { verifyAccess } from './access.ts'
import { applyPolicy, verifyPolicy } from './apply-and-verify.ts'
import { recordFailure } from './failure.ts'
import { checkPrerequisites } from './prerequisites.ts'
import type { OnboardingDeps, OnboardingOutcome, OnboardingRun } from './types.ts'

/**
 * The onboarding job, as a pipeline of steps: verify access (token, tenant, binding) → check prerequisites
 * (and confirm a bound tenant, or stop to wait for an Operator) → apply the policy → verify it and record the
 * run. Every step is persisted with attempts, timestamps and a message staff can act on; core decides where a
 * run starts, the retry of a passing fault, the consent wait and the notified transitions. Safe to run twice:
 * it resumes from the consent and the upsert is idempotent.
 */
export async function runOnboarding(deps: OnboardingDeps, customerId: string): Promise<OnboardingOutcome> {
  const { ctx } = deps
  const customer = await ctx.db.customer.findUnique({ where: { id: customerId } })
  if (!customer) return 'skipped'
  const plan = planOnboardingRun(await ctx.db.$transaction((tx) => loadSteps(tx, customerId)))
  if (!plan.run) return 'skipped'
  if (plan.resetFrom !== null) {
    const from = plan.resetFrom
    await ctx.db.$transaction((tx) => resetFrom(tx, customerId, from))
  }
  const run: OnboardingRun = {
    deps,
    customer,
    startedAt: ctx.now(),
    startedMs: performance.now(),
    current: 'access_verified',
  }
  let deliveryIds: string[]
  try {
    const policy = await currentPolicy(ctx.db)
    const { token, bound } = await verifyAccess(run)
    const prerequisites = await checkPrerequisites(run, token.tid, bound)
    if (prerequisites.binding === null) {
      deps.log?.('onboarding waits for an Operator to confirm the tenant', { tenantId: token.tid })
      return 'awaiting_confirmation'
    }
    const upsert = await applyPolicy(run, token.tid, policy)
    deliveryIds = await verifyPolicy(run, token.tid, policy, upsert.before ?? prerequisites.partner)
  } catch (err) {
    if (deps.signal?.aborted) throw err
    await enqueueDeliveriesSafely(ctx.enqueue, await recordFailure(run, err), deps.log)
    return 'failed'
  }
  await enqueueDeliveriesSafely(ctx.enqueue, deliveryIds, deps.log)
  return 'onboarded'
}
