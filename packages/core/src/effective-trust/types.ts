// Effective trust: will the partner's operators, signing in to the customer tenant as B2B collaboration
// guests, be satisfied by the trust settings we write, or still be prompted (or blocked)? The rules and
// their Microsoft Learn sources are in docs/effective-trust.md.

/** Stored and served as these values; `no_effect` is shown as "no effect". */
export const TRUST_VERDICTS = ['effective', 'partly', 'no_effect', 'blocked', 'unknown'] as const
export type TrustVerdict = (typeof TRUST_VERDICTS)[number]

export const TRUST_VERDICT_LABELS: Record<TrustVerdict, string> = {
  effective: 'effective',
  partly: 'partly',
  no_effect: 'no effect',
  blocked: 'blocked',
  unknown: 'unknown',
}

/** Accepts the stored value or its label (`no effect`), case-insensitively. */
export function parseTrustVerdict(value: string): TrustVerdict | null {
  const v = value
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_')
  return (TRUST_VERDICTS as readonly string[]).includes(v) ? (v as TrustVerdict) : null
}

/** What an operator experiences for one requirement (or one policy). Ordered from best to worst. */
export type RequirementOutcome = 'not_required' | 'satisfied' | 'conditional' | 'prompted' | 'blocked'

export type TrustRequirement = 'mfa' | 'compliant_device'

export interface PolicyRef {
  id: string
  displayName: string
}

export interface RequirementResult {
  requirement: TrustRequirement
  outcome: RequirementOutcome
  /** One sentence a customer administrator understands. */
  reason: string
  /** The concrete change that makes it work; null when nothing needs to change. */
  fix: string | null
  /** The enforced Conditional Access policies that ask for this requirement from the operators. */
  policies: PolicyRef[]
}

export type FindingSeverity = 'info' | 'warning' | 'blocker'

export const TRUST_FINDING_CODES = [
  'reconsent_needed',
  'no_p1',
  'trust_off',
  'no_guest_policy',
  'report_only_policy',
  'authentication_strength',
  'device_trust_off',
  'hybrid_join_required',
  'policy_blocks_guests',
  'sign_in_frequency',
  'guest_types_exclude_b2b',
  'partner_excluded',
  'selected_apps',
  'invitations_disabled',
  'invitations_admins_only',
  'b2b_inbound_blocked',
  'b2b_inbound_limited',
  'default_blocks_overridden',
  'other_grant_controls',
] as const
export type TrustFindingCode = (typeof TRUST_FINDING_CODES)[number]

export interface TrustFinding {
  code: TrustFindingCode
  severity: FindingSeverity
  reason: string
  fix: string | null
  policies?: PolicyRef[]
  /** For `reconsent_needed`: the Graph application permission the tenant has not consented to. */
  permission?: string
}

export interface MissingPermission {
  permission: string
  /** Why Crosstrust needs it, for the customer administrator. */
  why: string
}

export type LicenceLevel = 'none' | 'p1' | 'p2' | 'unknown'

export interface EffectiveTrustInput {
  partnerTenantId: string
  /** The partner entry as Graph returns it; null when it does not exist. */
  partner: Record<string, unknown> | null
  /** The tenant's default cross-tenant access policy; null when it was not read (not needed or unknown). */
  defaultPolicy: Record<string, unknown> | null
  licence: LicenceLevel
  /** Conditional Access policies as Graph lists them; null when they could not be read. */
  conditionalAccessPolicies: readonly unknown[] | null
  /** The authorization policy as Graph returns it; null when it could not be read. */
  authorizationPolicy: Record<string, unknown> | null
  /** Graph permissions the tenant's token lacks for these reads (consented before they were added). */
  missingPermissions?: readonly MissingPermission[]
}

export interface EffectiveTrustResult {
  verdict: TrustVerdict
  /** One sentence a customer administrator understands. */
  reason: string
  /** The concrete change that makes it work; null when nothing needs to change. */
  fix: string | null
  requirements: RequirementResult[]
  findings: TrustFinding[]
}
