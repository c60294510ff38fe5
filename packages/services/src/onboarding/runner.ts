import { planOnboardingRun } from '@crosstrust/core'
import { enqueueEmailsSafely } from '../email/enqueue-emails.ts'
import { enqueueDeliveriesSafely } from '../notifications/enqueue-deliveries.ts'
import { loadSteps, resetFrom } from '../onboarding-steps.ts'
import { currentPolicy } from '../policy-store.ts'
import { verifyAccess } from './access.ts'
import { applyPolicy, verifyPolicy } from './apply-and-verify.ts'
import { recordFailure } from './failure.ts'
import { recordFirstVerdict } from './first-verdict.ts'
import { checkPrerequisites } from './prerequisites.ts'
import {
  ONBOARDING_CUSTOMER_SELECT,
  OnboardingFailureNotRecorded,
  OnboardingRetryLater,
  type OnboardingDeps,
  type OnboardingOutcome,
  type OnboardingRun,
} from './types.ts'

/**
 * The onboarding job, as a pipeline of steps: verify access (token, tenant, binding) → check prerequisites
 * (and confirm a bound tenant, or stop to wait for an Operator) → apply the policy → verify it and record the
 * run, then evaluate the first effective-trust verdict (first-verdict.ts). Every step is persisted with attempts, timestamps and a message staff can act on; core decides where a
 * run starts, the retry of a passing fault, the consent wait and the notified transitions. Safe to run twice:
 * it resumes from the consent and the upsert is idempotent.
 */
export async function runOnboarding(deps: OnboardingDeps, customerId: string): Promise<OnboardingOutcome> {
  const { ctx } = deps
  const customer = await ctx.db.customer.findUnique({
    where: { id: customerId },
    select: ONBOARDING_CUSTOMER_SELECT,
  })
  if (!customer) return 'skipped'
  const plan = planOnboardingRun(await loadSteps(ctx.db, customerId))
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
    started: null,
  }
  let deliveryIds: string[]
  let emailIds: string[]
  let verdictSubject: Parameters<typeof recordFirstVerdict>[1]
  try {
    const policy = await currentPolicy(ctx.db)
    const { token, bound } = await verifyAccess(run)
    const prerequisites = await checkPrerequisites(run, token.tid, bound)
    if (prerequisites.binding === null) {
      deps.log?.('onboarding waits for an Operator to confirm the tenant', { tenantId: token.tid })
      return 'awaiting_confirmation'
    }
    const upsert = await applyPolicy(run, token.tid, policy)
    const verified = await verifyPolicy(run, token.tid, policy, upsert.before ?? prerequisites.partner)
    deliveryIds = verified.deliveryIds
    emailIds = verified.emailIds
    verdictSubject = {
      customerId: customer.id,
      customerName: customer.name,
      tenantId: token.tid,
      partner: verified.partner,
      licence: prerequisites.licence,
    }
  } catch (err) {
    if (deps.signal?.aborted) throw err
    await enqueueDeliveriesSafely(ctx.enqueue, await recordFailureOrRetry(run, err), deps.log)
    return 'failed'
  }
  await enqueueDeliveriesSafely(ctx.enqueue, deliveryIds, deps.log)
  await enqueueEmailsSafely(ctx.enqueue, emailIds, deps.log)
  // After the commit: the customer is onboarded whatever the trust reads say.
  await recordFirstVerdict(deps, verdictSubject)
  return 'onboarded'
}

/**
 * Records the failure; when that fails too (the database is down), the job must neither pass as done nor
 * lose the step's own failure behind the database error: it throws `OnboardingFailureNotRecorded` (the
 * original as its cause), so the queue retries the job, and the step, still `running`, is picked up again by
 * the next attempt or, once the attempts are spent, by the sweep's search for onboardings that stopped moving.
 */
async function recordFailureOrRetry(run: OnboardingRun, err: unknown): Promise<string[]> {
  try {
    return await recordFailure(run, err)
  } catch (recordError) {
    if (recordError instanceof OnboardingRetryLater) throw recordError
    const notRecorded = new OnboardingFailureNotRecorded(run.current, err, recordError)
    run.deps.log?.('onboarding failure could not be recorded; the job will be retried', {
      step: run.current,
      error: notRecorded.message,
    })
    throw notRecorded
  }
}
