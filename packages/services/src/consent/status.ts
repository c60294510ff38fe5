// What the admin's result page shows while onboarding runs. Customer-safe by construction: fixed sentences
// per step (core's publicStepMessage), never the stored staff messages, which may name tenants, other
// customers or Microsoft's error payloads.
import {
  ONBOARDING_STEPS,
  publicStepMessage,
  TRUST_VERDICT_LABELS,
  type RequirementOutcome,
  type TrustRequirement,
  type TrustVerdict,
} from '@crosstrust/core'
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
  /** The latest effective-trust verdict (evaluated at the end of onboarding, then by every check). */
  trust: AttemptTrust | null
}

/**
 * Will it work? In the administrator's words only: the verdict, its reason and fix, and one line per
 * requirement (the sentences core writes for a customer administrator). No findings detail, no policy ids.
 */
export interface AttemptTrust {
  verdict: TrustVerdict
  label: string
  reason: string
  fix: string | null
  evaluatedAt: string
  requirements: {
    requirement: TrustRequirement
    outcome: RequirementOutcome
    reason: string
    fix: string | null
  }[]
}

const requirementSchema = z.object({
  requirement: z.enum(['mfa', 'compliant_device']),
  outcome: z.enum(['not_required', 'satisfied', 'conditional', 'prompted', 'blocked']),
  reason: z.string(),
  fix: z.string().nullable(),
})
const storedFindings = z.object({ requirements: z.array(requirementSchema).default([]) }).loose()

function attemptTrust(
  trust: {
    verdict: TrustVerdict
    reason: string
    fix: string | null
    findings: unknown
    evaluatedAt: Date
  } | null,
): AttemptTrust | null {
  if (trust === null) return null
  const findings = storedFindings.safeParse(trust.findings)
  return {
    verdict: trust.verdict,
    label: TRUST_VERDICT_LABELS[trust.verdict],
    reason: trust.reason,
    fix: trust.fix,
    evaluatedAt: trust.evaluatedAt.toISOString(),
    requirements: findings.success
      ? findings.data.requirements.map(({ requirement, outcome, reason, fix }) => ({
          requirement,
          outcome,
          reason,
          fix,
        }))
      : [],
  }
}

/** How long after the consent the result page may show a verdict (it is a setup page, not a status page). */
export const RESULT_VERDICT_DAYS = 1

/**
 * The verdict this attempt's onboarding produced: evaluated after its settings were verified, which happened
 * after this consent, and only for a day after the consent. A re-consent never shows the verdict of an earlier
 * onboarding as its own, and an old result URL (browser history, a forwarded link) stops showing the tenant's
 * Conditional Access situation, which later checks keep updating.
 */
function firstVerdictOf(
  customer: {
    onboardingState: string
    onboardingSteps: { step: string; finishedAt: Date | null }[]
    trust: Parameters<typeof attemptTrust>[0]
  },
  consentedAt: Date,
  now: Date,
): AttemptTrust | null {
  if (customer.onboardingState !== 'onboarded' || customer.trust === null) return null
  if (now.getTime() - consentedAt.getTime() > RESULT_VERDICT_DAYS * 86_400_000) return null
  const verifiedAt = customer.onboardingSteps.find((s) => s.step === 'verified')?.finishedAt
  if (!verifiedAt || verifiedAt < consentedAt || customer.trust.evaluatedAt < verifiedAt) return null
  return attemptTrust(customer.trust)
}

export async function consentAttemptStatus(
  ctx: ServiceContext,
  attemptId: string,
  partnerName: string,
): Promise<AttemptStatus | null> {
  if (!z.uuid().safeParse(attemptId).success) return null
  const attempt = await ctx.db.consentState.findUnique({
    where: { id: attemptId },
    include: {
      consentLink: { include: { customer: { include: { onboardingSteps: true, trust: true } } } },
    },
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
    trust: firstVerdictOf(customer, attempt.usedAt, ctx.now()),
  }
}
