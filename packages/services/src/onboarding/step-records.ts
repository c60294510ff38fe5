import type { OnboardingStep } from '@crosstrust/core'
import type { Tx } from '@crosstrust/db'
import { recordAudit } from '../audit.ts'
import { SYSTEM_ACTOR } from '../context.ts'
import { moveSteps, type StepCustomerColumns, type StepMove } from '../onboarding-steps.ts'
import type { OnboardingRun } from './types.ts'

// How a run records its steps: started, succeeded (with staff's message, its detail and an audit event), and
// the next step started in the same transaction as the success of the one before.

/**
 * Marks `step` running (a failed one goes back to pending first) and makes it the run's current step. When
 * the previous step's success already started it (`succeedStep`'s `next`), there is nothing left to write.
 */
export async function beginStep(run: OnboardingRun, step: OnboardingStep): Promise<void> {
  const { ctx } = run.deps
  run.current = step
  if (run.started === step) return
  await ctx.db.$transaction((tx) => moveSteps(tx, run.customer.id, [{ step, begin: true }], ctx.now()))
  run.started = step
}

export interface StepSuccess {
  /** The step's detail, kept on its row for staff. */
  detail?: unknown
  /** Customer columns the same success sets (a bound tenant). */
  customer?: StepCustomerColumns
  /** The step that follows, started in the same transaction. */
  next?: OnboardingStep
}

/** Marks `step` succeeded, audited, and starts `next` in the same transaction. */
export async function succeedStep(
  run: OnboardingRun,
  step: OnboardingStep,
  message: string,
  success: StepSuccess = {},
): Promise<void> {
  const { ctx } = run.deps
  const customerId = run.customer.id
  const moves: StepMove[] = [{ step, to: 'succeeded', message, detail: success.detail }]
  if (success.next !== undefined) moves.push({ step: success.next, begin: true })
  await ctx.db.$transaction(async (tx) => {
    const tenantId = success.customer?.tenantId
    if (typeof tenantId === 'string') await releaseOffboardedHolder(tx, tenantId, customerId)
    await moveSteps(tx, customerId, moves, ctx.now(), success.customer)
    await recordAudit(tx, SYSTEM_ACTOR, { action: `onboarding.${step}`, customerId, after: { message } })
  })
  handOver(run, success.next)
}

/** After a commit that started `next`: the run is on it, and `beginStep(next)` has nothing to write. */
export function handOver(run: OnboardingRun, next: OnboardingStep | undefined): void {
  if (next === undefined) return
  run.current = next
  run.started = next
}

/**
 * An offboarded customer keeps its tenant id for its history until another customer binds that tenant: then
 * the old row lets go of it (one live customer per tenant, enforced by the unique column), audited.
 */
export async function releaseOffboardedHolder(tx: Tx, tenantId: string, customerId: string): Promise<void> {
  const holder = await tx.customer.findFirst({
    where: { tenantId, id: { not: customerId }, onboardingState: 'offboarded' },
    select: { id: true },
  })
  if (holder === null) return
  await tx.customer.update({ where: { id: holder.id }, data: { tenantId: null } })
  await recordAudit(tx, SYSTEM_ACTOR, {
    action: 'customer.tenant_released',
    customerId: holder.id,
    after: { tenantId, boundBy: customerId },
  })
}
