// Which Conditional Access policies reach a partner operator signing in as a B2B collaboration guest, and
// what each asks of them. Graph's conditionalAccessPolicy shape; sources in docs/effective-trust.md.

import type { PolicyRef, RequirementOutcome } from './types.ts'

type Json = Record<string, unknown>

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)
const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []

/** The built-in "Multifactor authentication" strength: any MFA method, so trusted home-tenant MFA counts. */
export const BUILT_IN_MFA_STRENGTH_ID = '00000000-0000-0000-0000-000000000002'

export interface CoveredPolicy {
  ref: PolicyRef
  state: 'enabled' | 'enabledForReportingButNotEnforced'
  /** Targets selected applications only (not `All`). */
  selectedApps: boolean
  operator: 'AND' | 'OR'
  builtInControls: string[]
  authenticationStrength: { id: string; displayName: string } | null
  /** Hours (or every time) of a sign-in frequency session control, when enabled. */
  signInFrequency: string | null
}

export interface Exclusion {
  ref: PolicyRef
  why: 'guest_types_exclude_b2b' | 'partner_excluded'
}

/** `guestOrExternalUserTypes` is a comma-separated flags string in Graph; tolerate arrays too. */
function guestTypes(v: unknown): string[] {
  if (typeof v === 'string')
    return v
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0)
  return strings(v)
}

/** Does a conditionalAccessGuestsOrExternalUsers object match a B2B collaboration guest of the partner? */
function guestsMatch(g: unknown, partnerTenantId: string): 'match' | 'other_types' | 'other_tenants' | null {
  if (!isObject(g)) return null
  if (!guestTypes(g.guestOrExternalUserTypes).includes('b2bCollaborationGuest')) return 'other_types'
  const ext = g.externalTenants
  if (!isObject(ext)) return 'match'
  const kind = typeof ext.membershipKind === 'string' ? ext.membershipKind : 'all'
  if (kind === 'all') return 'match'
  const members = strings(ext.members).map((m) => m.toLowerCase())
  return members.includes(partnerTenantId.toLowerCase()) ? 'match' : 'other_tenants'
}

export function policyRef(p: Json): PolicyRef {
  return {
    id: typeof p.id === 'string' ? p.id : '',
    displayName: typeof p.displayName === 'string' ? p.displayName : '(unnamed policy)',
  }
}

/**
 * Whether the policy's user scope reaches the partner's B2B collaboration guests. Assignments to specific
 * users, groups or roles are not counted: whether an operator is a member is not known here.
 */
export function coverage(
  policy: unknown,
  partnerTenantId: string,
): { covered: CoveredPolicy } | { excluded: Exclusion } | null {
  if (!isObject(policy)) return null
  const state = policy.state
  if (state !== 'enabled' && state !== 'enabledForReportingButNotEnforced') return null
  const conditions = isObject(policy.conditions) ? policy.conditions : {}
  const users = isObject(conditions.users) ? conditions.users : {}
  const ref = policyRef(policy)

  const includeUsers = strings(users.includeUsers)
  const includeGuests = guestsMatch(users.includeGuestsOrExternalUsers, partnerTenantId)
  const included =
    includeUsers.includes('All') ||
    includeUsers.includes('GuestsOrExternalUsers') ||
    includeGuests === 'match'
  if (!included) {
    // A guest policy that names guest types without B2B collaboration guests is worth telling.
    return includeGuests === 'other_types' ? { excluded: { ref, why: 'guest_types_exclude_b2b' } } : null
  }
  const excludeUsers = strings(users.excludeUsers)
  if (excludeUsers.includes('GuestsOrExternalUsers')) return { excluded: { ref, why: 'partner_excluded' } }
  if (guestsMatch(users.excludeGuestsOrExternalUsers, partnerTenantId) === 'match')
    return { excluded: { ref, why: 'partner_excluded' } }

  const apps = isObject(conditions.applications) ? conditions.applications : {}
  const selectedApps = !strings(apps.includeApplications).includes('All')
  // A policy scoped only to user actions or authentication contexts is not a sign-in requirement.
  if (selectedApps && strings(apps.includeApplications).length === 0) return null

  const grant = isObject(policy.grantControls) ? policy.grantControls : {}
  const strength = isObject(grant.authenticationStrength) ? grant.authenticationStrength : null
  const session = isObject(policy.sessionControls) ? policy.sessionControls : {}
  const sif = isObject(session.signInFrequency) ? session.signInFrequency : null
  let signInFrequency: string | null = null
  if (sif && sif.isEnabled === true) {
    signInFrequency =
      sif.frequencyInterval === 'everyTime'
        ? 'every time'
        : `every ${typeof sif.value === 'number' ? String(sif.value) : '?'} ${typeof sif.type === 'string' ? sif.type : 'hours'}`
  }
  return {
    covered: {
      ref,
      state,
      selectedApps,
      operator: grant.operator === 'AND' ? 'AND' : 'OR',
      builtInControls: strings(grant.builtInControls),
      authenticationStrength: strength
        ? {
            id: typeof strength.id === 'string' ? strength.id : '',
            displayName:
              typeof strength.displayName === 'string'
                ? strength.displayName
                : 'custom authentication strength',
          }
        : null,
      signInFrequency,
    },
  }
}

export interface TrustSettings {
  mfa: boolean
  compliantDevice: boolean
  hybridJoinedDevice: boolean
}

export type ControlKind = 'mfa' | 'strength' | 'compliant_device' | 'hybrid_join' | 'block' | 'other'

export interface ControlResult {
  kind: ControlKind
  outcome: RequirementOutcome
}

const RANK: Record<RequirementOutcome, number> = {
  not_required: 0,
  satisfied: 1,
  conditional: 2,
  prompted: 3,
  blocked: 4,
}
export const worse = (a: RequirementOutcome, b: RequirementOutcome): RequirementOutcome =>
  RANK[a] >= RANK[b] ? a : b
const better = (a: RequirementOutcome, b: RequirementOutcome): RequirementOutcome =>
  RANK[a] <= RANK[b] ? a : b

/** What each grant control means for the operator, given the trust settings in force. */
export function controlResults(p: CoveredPolicy, trust: TrustSettings): ControlResult[] {
  const out: ControlResult[] = []
  for (const c of p.builtInControls) {
    if (c === 'block') out.push({ kind: 'block', outcome: 'blocked' })
    else if (c === 'mfa') out.push({ kind: 'mfa', outcome: trust.mfa ? 'satisfied' : 'prompted' })
    // A guest's device is registered in its home tenant: only a trusted device claim can satisfy these.
    else if (c === 'compliantDevice')
      out.push({ kind: 'compliant_device', outcome: trust.compliantDevice ? 'satisfied' : 'blocked' })
    else if (c === 'domainJoinedDevice')
      out.push({ kind: 'hybrid_join', outcome: trust.hybridJoinedDevice ? 'satisfied' : 'blocked' })
    else out.push({ kind: 'other', outcome: 'prompted' })
  }
  if (p.authenticationStrength) {
    const builtInMfa = p.authenticationStrength.id === BUILT_IN_MFA_STRENGTH_ID
    out.push({
      kind: 'strength',
      // Trusted home-tenant MFA counts only when the method used at home is one the strength allows.
      outcome: !trust.mfa ? 'prompted' : builtInMfa ? 'satisfied' : 'conditional',
    })
  }
  return out
}

/** The policy's combined outcome: OR = the operator's easiest control, AND = the hardest. */
export function policyOutcome(p: CoveredPolicy, results: readonly ControlResult[]): RequirementOutcome {
  if (results.length === 0) return 'not_required'
  if (results.some((r) => r.kind === 'block')) return 'blocked'
  let outcome: RequirementOutcome = p.operator === 'AND' ? 'satisfied' : 'blocked'
  for (const r of results)
    outcome = p.operator === 'AND' ? worse(outcome, r.outcome) : better(outcome, r.outcome)
  // A sign-in frequency control makes operators sign in again whatever trust says.
  if (p.signInFrequency !== null) outcome = worse(outcome, 'prompted')
  return outcome
}
