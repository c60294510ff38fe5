import type { GraphErrorKind } from '../graph-error-kind.ts'

// Human, actionable messages for onboarding problems. The text is plain: renderers must escape it, since
// `adminReason` comes from the consent redirect's attacker-controllable `error_description`.

export type OnboardingProblem =
  | { kind: 'consent_declined'; error: string; adminReason?: string }
  | { kind: 'consent_cancelled'; error: string; adminReason?: string }
  | { kind: 'consent_not_admin'; error: string; adminReason?: string; tenant?: string; account?: string }
  | { kind: 'consent_not_replicated'; waitedSeconds: number; lastErrorCode?: string }
  | { kind: 'tenant_mismatch'; expected: string; actual: string }
  | { kind: 'missing_roles'; missing: string[] }
  | { kind: 'licence_warning'; missing: string }
  | { kind: 'graph_error'; errorKind: GraphErrorKind; status?: number; code?: string; requestId?: string }

export interface ProblemMessage {
  severity: 'error' | 'warning'
  title: string
  message: string
  /** What staff (or the customer admin) should do next. */
  nextStep: string
}

const MAX_REASON = 300

/** First line of Microsoft's description, bounded, without trace/correlation ids. */
function reason(adminReason: string | undefined): string {
  if (adminReason === undefined || adminReason.trim() === '') return ''
  const firstLine = adminReason.split(/\r?\n/)[0]?.trim() ?? ''
  const bounded = firstLine.length > MAX_REASON ? `${firstLine.slice(0, MAX_REASON)}…` : firstLine
  // Whoever holds the link can put any text here, so it is quoted as the response's, not as Microsoft's.
  return ` The response gave as reason: "${bounded}"`
}

/** AADSTS90093/90094: the signed-in account may not grant what the app asks (docs/microsoft-behaviour.md). */
const NOT_ADMIN_CODES = /^\s*AADSTS(90093|90094)\b/

/**
 * Microsoft sends `admin_consent=True` even on errors, so the `error` parameter decides. A cancel button
 * yields `access_denied`/`permission_denied`; an explicit refusal yields `consent_required` (AADSTS65004).
 * An account without an admin role that returns from "Need admin approval" carries AADSTS90094 (or 90093)
 * at the start of `error_description`, whatever the `error`.
 */
export function consentErrorKind(
  error: string,
  adminReason?: string,
): 'consent_cancelled' | 'consent_declined' | 'consent_not_admin' {
  if (NOT_ADMIN_CODES.test(adminReason ?? '')) return 'consent_not_admin'
  if (error === 'access_denied' || error === 'permission_denied' || /cancel/i.test(adminReason ?? '')) {
    return 'consent_cancelled'
  }
  return 'consent_declined'
}

export function describeOnboardingProblem(problem: OnboardingProblem): ProblemMessage {
  switch (problem.kind) {
    case 'consent_declined':
      return {
        severity: 'error',
        title: 'Consent declined',
        message: `The administrator declined the permission request (${problem.error}).${reason(problem.adminReason)}`,
        nextStep: 'Ask a Global Administrator to open the consent link again and accept the permissions.',
      }
    case 'consent_cancelled':
      return {
        severity: 'error',
        title: 'Consent cancelled',
        message: `The administrator cancelled on Microsoft's consent page (${problem.error}).${reason(problem.adminReason)}`,
        nextStep: 'The same consent link can be used again; ask the administrator to accept when ready.',
      }
    case 'consent_not_admin': {
      const tenant = problem.tenant ?? 'your organization'
      const account = problem.account === undefined ? 'This account' : `The account ${problem.account}`
      return {
        severity: 'error',
        title: 'Administrator role needed',
        message: `${account} is not a Global Administrator or Privileged Role Administrator of ${tenant}, so Microsoft did not let it grant the permissions (${problem.error}).${reason(problem.adminReason)}`,
        nextStep: `Ask a Global Administrator or Privileged Role Administrator of ${tenant} to open the link.`,
      }
    }
    case 'consent_not_replicated':
      return {
        severity: 'error',
        title: 'Consent not effective yet',
        message:
          `Microsoft had not made the consent effective after ${problem.waitedSeconds} seconds` +
          (problem.lastErrorCode === undefined ? '.' : ` (last error ${problem.lastErrorCode}).`),
        nextStep:
          'Retry the step in a few minutes; if it keeps failing, check the enterprise app exists in the tenant.',
      }
    case 'tenant_mismatch':
      return {
        severity: 'error',
        title: 'Wrong tenant',
        message: `Consent was granted in tenant ${problem.actual}, but this customer expects tenant ${problem.expected}.`,
        nextStep:
          'Check the expected tenant on the customer, or ask an administrator of the right tenant to consent.',
      }
    case 'missing_roles':
      return {
        severity: 'error',
        title: 'Permissions missing',
        message: `The app's token lacks the Graph permissions ${problem.missing.join(', ')}.`,
        nextStep: 'Ask a Global Administrator to grant admin consent again so every permission is included.',
      }
    case 'licence_warning':
      return {
        severity: 'warning',
        title: 'Licence missing',
        message: `No ${problem.missing} licence found: trust settings (MFA, compliant devices) need Entra ID P1 in the customer tenant.`,
        nextStep:
          'Onboarding continues; ask the customer to add Entra ID P1 or P2 so the trust settings take effect.',
      }
    case 'graph_error':
      return describeGraphError(problem)
  }
}

function describeGraphError(problem: Extract<OnboardingProblem, { kind: 'graph_error' }>): ProblemMessage {
  const detail =
    [
      problem.status === undefined ? '' : `HTTP ${problem.status}`,
      problem.code ?? '',
      problem.requestId ? `request-id ${problem.requestId}` : '',
    ]
      .filter((part) => part !== '')
      .join(', ') || 'no details'
  const texts: Record<GraphErrorKind, [string, string, string]> = {
    transient: [
      'Microsoft temporarily unavailable',
      'Microsoft Graph did not answer in time',
      'It is retried automatically; no action needed unless it persists.',
    ],
    throttled: [
      'Microsoft throttled the request',
      'Microsoft Graph asked us to slow down',
      'It is retried after the delay Microsoft asked for.',
    ],
    access_lost: [
      'Access lost',
      'Consent was revoked or the app was removed from the tenant',
      'Send the customer a new consent link.',
    ],
    not_found: [
      'Not found',
      'Microsoft Graph did not find the requested object',
      'Retry the step; reads can lag writes for a short while.',
    ],
    conflict: [
      'Conflict',
      'Microsoft Graph reported a conflicting object',
      'Retry the step; it updates the existing entry.',
    ],
    bad_request: [
      'Rejected by Microsoft',
      'Microsoft Graph rejected the request',
      'Report this to the Crosstrust maintainers with the request id.',
    ],
    licence: [
      'Licence required',
      'Microsoft Graph refused the setting because a licence is missing',
      'Ask the customer to add Entra ID P1 or P2, then retry.',
    ],
  }
  const [title, what, nextStep] = texts[problem.errorKind]
  return { severity: 'error', title, message: `${what} (${detail}).`, nextStep }
}
