// What the admin's result page shows while onboarding runs. Customer-safe by construction: fixed sentences
// per step (core's publicStepMessage), never the stored staff messages, which may name tenants, other
// customers or Microsoft's error payloads.
import { ONBOARDING_STEPS, publicStepMessage } from '@crosstrust/core'
import { z } from 'zod'
import type { ServiceContext } from '../context.ts'

export interface AttemptStatus {
  customerName: string
  partnerConfigured: boolean
  failed: boolean
  /** A first-time tenant: the partner's staff must confirm it before anything is written. */
  awaitingConfirmation: boolean
  onboardingState: string
  steps: { step: string; status: string; message: string | null; finishedAt: string | null }[]
}

export async function consentAttemptStatus(
  ctx: ServiceContext,
  attemptId: string,
  partnerName: string,
): Promise<AttemptStatus | null> {
  if (!z.uuid().safeParse(attemptId).success) return null
  const attempt = await ctx.db.consentState.findUnique({
    where: { id: attemptId },
    include: { consentLink: { include: { customer: { include: { onboardingSteps: true } } } } },
  })
  if (!attempt?.usedAt || attempt.phase !== 'consent') return null
  const customer = attempt.consentLink.customer
  const steps = [...customer.onboardingSteps]
    .sort((a, b) => ONBOARDING_STEPS.indexOf(a.step) - ONBOARDING_STEPS.indexOf(b.step))
    .map((s) => ({
      step: s.step,
      status: s.status,
      message: publicStepMessage(s.step, s.status, partnerName),
      finishedAt: s.finishedAt?.toISOString() ?? null,
    }))
  return {
    customerName: customer.name,
    onboardingState: customer.onboardingState,
    partnerConfigured: customer.onboardingState === 'onboarded',
    failed: customer.onboardingState === 'failed',
    awaitingConfirmation: customer.onboardingState === 'awaiting_confirmation',
    steps,
  }
}
