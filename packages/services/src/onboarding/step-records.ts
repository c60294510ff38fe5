import type { OnboardingStep } from '@crosstrust/core'
import type { Prisma, Tx } from '@crosstrust/db'
import { recordAudit } from '../audit.ts'
import { SYSTEM_ACTOR } from '../context.ts'
import { loadSteps, moveStep } from '../onboarding-steps.ts'
import type { OnboardingRun } from './types.ts'

// How a run records its steps: started, succeeded (with staff's message, its detail and an audit event).

/** Marks `step` running (a failed one goes back to pending first) and makes it the run's current step. */
export async function beginStep(run: OnboardingRun, step: OnboardingStep): Promise<void> {
  const { ctx } = run.deps
  run.current = step
  const now = ctx.now()
  await ctx.db.$transaction(async (tx) => {
    const fresh = await loadSteps(tx, run.customer.id)
    const record = fresh.find((s) => s.step === step)
    if (record?.status === 'failed') await moveStep(tx, run.customer.id, step, 'pending', now)
    if (record?.status !== 'running') await moveStep(tx, run.customer.id, step, 'running', now)
  })
}

/** Marks `step` succeeded; `extra` changes the customer in the same transaction. */
export async function succeedStep(
  run: OnboardingRun,
  step: OnboardingStep,
  message: string,
  detail?: unknown,
  extra?: Prisma.CustomerUpdateInput,
): Promise<void> {
  const { ctx } = run.deps
  const customerId = run.customer.id
  await ctx.db.$transaction(async (tx) => {
    await moveStep(tx, customerId, step, 'succeeded', ctx.now(), message, detail)
    if (typeof extra?.tenantId === 'string') await releaseOffboardedHolder(tx, extra.tenantId, customerId)
    if (extra) await tx.customer.update({ where: { id: customerId }, data: extra })
    await recordAudit(tx, SYSTEM_ACTOR, { action: `onboarding.${step}`, customerId, after: { message } })
  })
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
