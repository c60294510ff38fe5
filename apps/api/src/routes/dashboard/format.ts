// Words shared by the dashboard pages: plain-language labels of states, modes and steps, relative and exact
// times, and JSON values in portal-ish wording (ui/badges.tsx renders badges and times from them).

export type Tone = 'ok' | 'warn' | 'bad' | 'info' | 'neutral'

export const ONBOARDING_LABELS: Record<string, string> = {
  not_started: 'Not started',
  link_issued: 'Link sent',
  consent_received: 'Consent received',
  access_verified: 'Access verified',
  prerequisites_checked: 'Prerequisites checked',
  awaiting_confirmation: 'Tenant to confirm',
  tenant_confirmed: 'Tenant confirmed',
  policy_applied: 'Policy applied',
  onboarded: 'Onboarded',
  failed: 'Failed',
  offboarding: 'Offboarding',
  offboarded: 'Offboarded',
}

export const COMPLIANCE_LABELS: Record<string, string> = {
  pending: 'Pending',
  compliant: 'Compliant',
  drifted: 'Drifted',
  unknown: 'Unknown',
  access_lost: 'Access lost',
  removed_by_customer: 'Removed by customer',
  offboarded: 'Offboarded',
}

export const MODE_LABELS: Record<string, string> = {
  report: 'Report',
  alert: 'Alert',
  remediate: 'Remediate',
}

export const STEP_LABELS: Record<string, string> = {
  link_issued: 'Consent link issued',
  consent_received: 'Admin consent received',
  access_verified: 'Access verified',
  prerequisites_checked: 'Tenant and licence checked',
  tenant_confirmed: 'Tenant confirmed',
  policy_applied: 'Policy applied',
  verified: 'Settings verified',
}

/** The step as something to do ("Next: Admin consent", "Failed at: Apply policy"). */
export const STEP_ACTIONS: Record<string, string> = {
  link_issued: 'Issue consent link',
  consent_received: 'Admin consent',
  access_verified: 'Verify access',
  prerequisites_checked: 'Check tenant and licence',
  tenant_confirmed: 'Confirm the tenant (Operator)',
  policy_applied: 'Apply policy',
  verified: 'Verify settings',
}

export function modeLabel(mode: string | null, defaultMode: string): string {
  return mode === null ? `Default (${MODE_LABELS[defaultMode] ?? defaultMode})` : (MODE_LABELS[mode] ?? mode)
}

const UNITS: [limitSeconds: number, unitSeconds: number, unit: string][] = [
  [60, 1, 's'],
  [3600, 60, 'min'],
  [86_400, 3600, 'h'],
  [30 * 86_400, 86_400, 'd'],
  [365 * 86_400, 30 * 86_400, 'mo'],
  [Number.POSITIVE_INFINITY, 365 * 86_400, 'y'],
]

/** "just now", "5 min ago", "in 3 d": short enough for a table cell. */
export function relativeTime(date: Date, now: Date): string {
  const seconds = Math.round((date.getTime() - now.getTime()) / 1000)
  const abs = Math.abs(seconds)
  if (abs < 45) return 'just now'
  const [, unitSeconds, unit] = UNITS.find(([limit]) => abs < limit) ?? [0, 1, 's']
  const n = Math.max(1, Math.round(abs / unitSeconds))
  return seconds < 0 ? `${String(n)} ${unit} ago` : `in ${String(n)} ${unit}`
}

/** Exact UTC timestamp, e.g. "2026-11-27 01:05:09 UTC". */
export function exactTime(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`
}

/** A Graph value in the words of the Entra admin center where we can, compact JSON otherwise. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'Inherited from default'
  if (value === true) return 'On (checked)'
  if (value === false) return 'Off (unchecked)'
  if (typeof value === 'object' && 'accessType' in value) {
    const v = value as { accessType?: unknown; targets?: { target?: unknown }[] }
    const verb =
      v.accessType === 'allowed' ? 'Allow access' : v.accessType === 'blocked' ? 'Block access' : 'Access'
    const targets = (v.targets ?? []).map((t) => (typeof t.target === 'string' ? t.target : '?'))
    const named = targets.map((t) =>
      /^allusers$/i.test(t)
        ? 'all users and groups'
        : /^allapplications$/i.test(t)
          ? 'all applications'
          : null,
    )
    const who =
      named.every((n) => n !== null) && named.length > 0
        ? named.join(', ')
        : `${String(targets.length)} selected`
    return `${verb}: ${who}`
  }
  return JSON.stringify(value)
}

/** The portal path of a policy field label (before the colon), e.g. "Trust settings → Trust compliant devices". */
export function fieldLabel(label: string): string {
  return label.split(':')[0] ?? label
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`
}
