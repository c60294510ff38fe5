import {
  deriveOnboardingState,
  initialSteps,
  resetStepsFrom,
  transitionStep,
  type OnboardingStep,
  type StepRecord,
  type StepStatus,
} from '@crosstrust/core'
import type { Prisma, Tx } from '@crosstrust/db'

/** The customer's steps in order, creating the six rows on first use. */
export async function loadSteps(tx: Tx, customerId: string): Promise<StepRecord[]> {
  const rows = await tx.onboardingStep.findMany({ where: { customerId } })
  if (rows.length === 0) {
    await tx.onboardingStep.createMany({
      data: initialSteps().map((s) => ({ customerId, step: s.step, status: s.status })),
      skipDuplicates: true,
    })
    return initialSteps()
  }
  return initialSteps().map((initial) => {
    const row = rows.find((r) => r.step === initial.step)
    return row
      ? {
          step: row.step,
          status: row.status,
          attempts: row.attempts,
          startedAt: row.startedAt,
          finishedAt: row.finishedAt,
          message: row.message,
        }
      : initial
  })
}

async function persist(
  tx: Tx,
  customerId: string,
  before: StepRecord[],
  after: StepRecord[],
  detail?: { step: OnboardingStep; value: unknown },
) {
  for (const record of after) {
    const old = before.find((b) => b.step === record.step)
    const ownDetail = detail?.step === record.step ? detail.value : undefined
    if (old && JSON.stringify(old) === JSON.stringify(record) && ownDetail === undefined) continue
    await tx.onboardingStep.upsert({
      where: { customerId_step: { customerId, step: record.step } },
      create: { customerId, ...record },
      update: {
        status: record.status,
        attempts: record.attempts,
        startedAt: record.startedAt,
        finishedAt: record.finishedAt,
        message: record.message,
        ...(ownDetail === undefined
          ? {}
          : { detail: JSON.parse(JSON.stringify(ownDetail)) as Prisma.InputJsonValue }),
      },
    })
  }
  const onboardingState = deriveOnboardingState(after)
  await tx.customer.update({
    where: { id: customerId },
    data: { onboardingState, version: { increment: 1 } },
  })
  return onboardingState
}

/** Moves one step (legality checked by core) and keeps the customer's onboarding state in line. */
export async function moveStep(
  tx: Tx,
  customerId: string,
  step: OnboardingStep,
  to: StepStatus,
  now: Date,
  message: string | null = null,
  detail?: unknown,
): Promise<{ steps: StepRecord[]; state: string }> {
  const before = await loadSteps(tx, customerId)
  const after = transitionStep(before, step, to, now, message)
  const state = await persist(
    tx,
    customerId,
    before,
    after,
    detail === undefined ? undefined : { step, value: detail },
  )
  return { steps: after, state }
}

/** Puts `step` and all later steps back to pending (fresh consent, re-onboarding after offboarding). */
export async function resetFrom(tx: Tx, customerId: string, step: OnboardingStep): Promise<StepRecord[]> {
  const before = await loadSteps(tx, customerId)
  const after = resetStepsFrom(before, step)
  await persist(tx, customerId, before, after)
  return after
}
