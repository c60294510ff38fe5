// What the customer's administrator is told on each consent page, decided from service data alone: the
// words for a link or sign-in problem, and the outcome and step list of the setup-progress page.
import type { AttemptStatus, AttemptTrust } from '@crosstrust/services'
import { STEP_STATUS_ICONS, STEP_STATUS_TONES } from '../../../html/step-status.ts'

export interface Partner {
  name: string
  tenantId: string
}

export type LinkProblem = 'expired' | 'revoked' | 'unknown' | 'completed' | 'unusable'
export type SignInProblem = 'cancelled' | 'microsoft_error' | 'not_verified'

export interface Notice {
  title: string
  text: string
}

export function presentLinkProblem(status: LinkProblem, partner: Partner): Notice & { tone: 'ok' | 'warn' } {
  const texts: Record<LinkProblem, [string, string]> = {
    expired: ['This consent link has expired', `Ask your contact at ${partner.name} for a new link.`],
    revoked: [
      'This consent link is no longer valid',
      `It was replaced or withdrawn. Ask your contact at ${partner.name} for the current link.`,
    ],
    unknown: [
      'Consent link not found',
      `Check that you copied the whole link, or ask your contact at ${partner.name} for a new one.`,
    ],
    completed: [
      'Consent was already given',
      `This link has been used. ${partner.name} now manages the setup; nothing more is needed from you.`,
    ],
    unusable: [
      'This consent link can no longer be used',
      `Ask your contact at ${partner.name} for a new link.`,
    ],
  }
  const [title, text] = texts[status]
  return { title, text, tone: status === 'completed' ? 'ok' : 'warn' }
}

const INVALID_STATE: Record<string, string> = {
  missing: 'The response from Microsoft did not include the expected sign-in state.',
  unknown: 'The response from Microsoft does not belong to a consent request we started.',
  expired: 'The consent request took too long (more than an hour) and has expired.',
  replayed: 'This response has already been used.',
  no_consent: 'The response from Microsoft did not confirm that consent was granted.',
  other_browser:
    'The response arrived in a different browser (or with cookies blocked) from the one that opened the consent link.',
}

/** Why a response from Microsoft was not accepted, in the administrator's words. */
export function invalidStateReason(reason: string): string {
  return INVALID_STATE[reason] ?? INVALID_STATE.unknown ?? ''
}

export function presentSignInProblem(kind: SignInProblem, partner: Partner): Notice {
  const texts: Record<SignInProblem, [string, string]> = {
    cancelled: [
      'Sign-in cancelled',
      `You left Microsoft's sign-in before choosing an account. Nothing was changed. When you are ready, try again and sign in as a Global Administrator of your organization.`,
    ],
    microsoft_error: [
      'Microsoft did not sign you in',
      'Microsoft answered with an error instead of signing you in. Nothing was changed. Try again; if it happens again, sign in with another administrator account.',
    ],
    not_verified: [
      'The sign-in could not be verified',
      `The answer from Microsoft could not be verified, so it was not used. Nothing was changed. Try again; if it happens again, tell your contact at ${partner.name}.`,
    ],
  }
  const [title, text] = texts[kind]
  return { title, text }
}

/** Each step in the administrator's words (the page hands them to its status script too). */
export const CONSENT_STEP_LABELS: Readonly<Record<string, string>> = {
  link_issued: 'Consent link issued',
  consent_received: 'Admin consent granted',
  access_verified: 'Access to your tenant verified',
  prerequisites_checked: 'Tenant and licences checked',
  tenant_confirmed: 'Tenant confirmed',
  policy_applied: 'Cross-tenant access settings applied',
  verified: 'Settings verified',
}

export interface ProgressStep {
  step: string
  status: string
  label: string
  icon: string
  tone: string
  message: string | null
}

/** The effective-trust verdict in the administrator's words ("will it work?"). */
export interface VerdictView {
  tone: 'ok' | 'warn' | 'bad' | 'info'
  headline: string
  reason: string
  fix: string | null
  requirements: { name: string; outcome: string; tone: string; reason: string; fix: string | null }[]
}

export interface ResultView {
  attemptId: string
  customerName: string
  partnerName: string
  outcome: 'configured' | 'failed' | 'awaiting' | 'running'
  /**
   * Where the page is; the status script reloads it when the status endpoint says otherwise. `configured`
   * waits for the first verdict, `verdict` has it.
   */
  phase: 'running' | 'awaiting' | 'failed' | 'configured' | 'verdict'
  /** Still moving: the page refreshes itself (a script updates it in place, or a no-script refresh). */
  live: boolean
  steps: ProgressStep[]
  /** Null while the first verdict is being evaluated (or when it could not be, see `verdictPending`). */
  verdict: VerdictView | null
  /** Configured and the first verdict is still expected shortly. */
  verdictPending: boolean
}

/**
 * How long after the settings were verified the page keeps waiting for the first verdict. Onboarding
 * evaluates it right away (a few Graph reads); if a read failed, the first scheduled check evaluates it and
 * the page stops refreshing rather than poll for hours.
 */
export const VERDICT_WAIT_MS = 2 * 60_000

const VERDICT_WORDS: Record<AttemptTrust['verdict'], { tone: VerdictView['tone']; headline: string }> = {
  effective: { tone: 'ok', headline: 'Trust is effective' },
  partly: { tone: 'warn', headline: 'Trust is partly effective' },
  no_effect: { tone: 'info', headline: 'Trust has no effect (yet)' },
  blocked: { tone: 'bad', headline: 'The operators would be blocked' },
  unknown: { tone: 'info', headline: 'Not known yet' },
}

const REQUIREMENT_NAMES: Record<string, string> = {
  mfa: 'Multifactor authentication',
  compliant_device: 'Compliant device',
}

const OUTCOME_WORDS: Record<string, [string, string]> = {
  not_required: ['not asked by your policies', 'info'],
  satisfied: ['trusted: no second prompt', 'ok'],
  conditional: ['trusted under conditions', 'warn'],
  prompted: ['still prompted', 'warn'],
  blocked: ['blocked', 'bad'],
}

function presentVerdict(trust: AttemptTrust): VerdictView {
  const words = VERDICT_WORDS[trust.verdict]
  return {
    tone: words.tone,
    headline: words.headline,
    reason: trust.reason,
    fix: trust.fix,
    requirements: trust.requirements.map((r) => {
      const [outcome, tone] = OUTCOME_WORDS[r.outcome] ?? [r.outcome, 'info']
      return {
        name: REQUIREMENT_NAMES[r.requirement] ?? r.requirement,
        outcome,
        tone,
        reason: r.reason,
        fix: r.fix,
      }
    }),
  }
}

export function presentResult(
  attemptId: string,
  status: AttemptStatus,
  partner: Partner,
  now: Date,
): ResultView {
  const outcome = status.partnerConfigured
    ? 'configured'
    : status.failed
      ? 'failed'
      : status.awaitingConfirmation
        ? 'awaiting'
        : 'running'
  const verifiedAt = status.steps.find((s) => s.step === 'verified')?.finishedAt
  const verdictPending =
    status.partnerConfigured &&
    status.trust === null &&
    typeof verifiedAt === 'string' &&
    now.getTime() - Date.parse(verifiedAt) < VERDICT_WAIT_MS
  return {
    attemptId,
    customerName: status.customerName,
    partnerName: partner.name,
    outcome,
    phase: outcome === 'configured' && status.trust !== null ? 'verdict' : outcome,
    live: (!status.partnerConfigured && !status.failed) || verdictPending,
    verdict: status.trust === null ? null : presentVerdict(status.trust),
    verdictPending,
    steps: status.steps.map((s) => ({
      step: s.step,
      status: s.status,
      label: CONSENT_STEP_LABELS[s.step] ?? s.step,
      icon: STEP_STATUS_ICONS[s.status] ?? '',
      tone: STEP_STATUS_TONES[s.status] ?? '',
      message: s.message,
    })),
  }
}
