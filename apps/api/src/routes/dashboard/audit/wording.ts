// Audit events in words: a readable name for each action and a one-line summary of what changed. The
// before/after JSON is shown compactly (audit records never hold secrets: services keep them out).
import type { AuditEventView } from '@crosstrust/services'

const ACTIONS: Record<string, string> = {
  'customer.created': 'Customer created',
  'customer.mode_changed': 'Mode changed',
  'customer.check_interval_changed': 'Check interval changed',
  'customer.offboard_requested': 'Offboarding requested',
  'consent_link.issued': 'Consent link issued',
  'consent_link.revoked': 'Consent link revoked',
  'check.requested': 'Re-check requested',
  'check.force_retry': 'Retry forced',
  'apply.requested': 'Apply requested',
  'deviation.accepted': 'Deviation accepted',
  'deviation.revoked': 'Deviation revoked',
  'webhook.created': 'Webhook created',
  'webhook.updated': 'Webhook updated',
  'webhook.deleted': 'Webhook deleted',
  'policy.published': 'Policy version published',
  'policy.rollout_started': 'Policy rollout started',
  'policy.rollout_completed': 'Policy rollout completed',
  'consent.started': 'Consent started',
  'consent.granted': 'Admin consent granted',
  'consent.callback_ignored': 'Consent callback ignored',
  'consent.signed_in': 'Customer admin signed in',
  'consent.tenant_refused': 'Sign-in refused (tenant not accepted for this link)',
  'consent.sign_in_cancelled': 'Customer admin cancelled sign-in',
  'consent.sign_in_failed': 'Customer admin sign-in failed',
  'onboarding.tenant_confirmed': 'Tenant confirmed by an Operator',
  'onboarding.tenant_rejected': 'Tenant refused by an Operator',
  'onboarding.tenant_bound': 'Tenant bound',
  'onboarding.completed': 'Onboarding completed',
  'onboarding.failed': 'Onboarding failed',
  'onboarding.prerequisites_checked': 'Prerequisites checked',
  'customer.offboarded': 'Customer offboarded',
  'webhook.secret_rotated': 'Webhook secret rotated',
  'webhook.test_sent': 'Webhook test sent',
}

/** Action families for the audit filter. */
export const ACTION_FAMILIES: readonly (readonly [value: string, label: string])[] = [
  ['customer.*', 'Customers'],
  ['consent_link.*', 'Consent links'],
  ['consent.*', 'Consent (customer admin)'],
  ['onboarding.*', 'Onboarding'],
  ['check.*', 'Checks'],
  ['apply.*', 'Apply'],
  ['deviation.*', 'Deviations'],
  ['policy.*', 'Policy'],
  ['webhook.*', 'Webhooks'],
]

export function auditActionLabel(action: string): string {
  const words = action.replaceAll('_', ' ').replace('.', ': ')
  return ACTIONS[action] ?? words.charAt(0).toUpperCase() + words.slice(1)
}

const ACTOR_TYPES: Record<string, string> = {
  staff: 'Staff',
  system: 'System',
  customer_admin: 'Customer admin',
}

/** Who did it, and the kind of actor unless the name already says it (null then). */
export function actorWords(e: Pick<AuditEventView, 'actorType' | 'actorName' | 'actorId'>): {
  name: string
  type: string | null
} {
  const type = ACTOR_TYPES[e.actorType] ?? e.actorType
  const name = e.actorName ?? e.actorId ?? type
  const repeats = name.toLowerCase().includes(type.toLowerCase().split(' ')[0] ?? '')
  return { name, type: repeats ? null : type }
}

/** Scalars in full (shortened), small objects as compact JSON, large ones only named. */
function short(value: unknown): string | null {
  if (value === null || value === undefined) return '—'
  if (typeof value === 'string') return value.length > 90 ? `${value.slice(0, 87)}…` : value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (Array.isArray(value) && value.length === 0) return 'none'
  const text = JSON.stringify(value)
  return text.length > 60 ? null : text
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {}
}

function words(key: string): string {
  return key.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()
}

/** "mode: alert → remediate", or the first few fields recorded with the change. */
export function auditSummary(e: Pick<AuditEventView, 'before' | 'after'>): string {
  const before = record(e.before)
  const after = record(e.after)
  const keys = [...new Set([...Object.keys(after), ...Object.keys(before)])]
  const parts: string[] = []
  for (const k of keys) {
    if (parts.length >= 4) break
    const b = k in before ? short(before[k]) : undefined
    const a = k in after ? short(after[k]) : undefined
    if (b === null || a === null) {
      parts.push(`${words(k)} updated`)
      continue
    }
    if (b !== undefined && a !== undefined)
      parts.push(b === a ? `${words(k)}: ${a}` : `${words(k)}: ${b} → ${a}`)
    else parts.push(`${words(k)}: ${a ?? b ?? ''}`)
  }
  return parts.join(' · ')
}
