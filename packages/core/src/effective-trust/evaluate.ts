import {
  controlResults,
  coverage,
  policyOutcome,
  worse,
  type ControlKind,
  type CoveredPolicy,
  type TrustSettings,
} from './conditional-access.ts'
import type {
  EffectiveTrustInput,
  EffectiveTrustResult,
  PolicyRef,
  RequirementOutcome,
  RequirementResult,
  TrustFinding,
  TrustRequirement,
  TrustVerdict,
} from './types.ts'

type Json = Record<string, unknown>
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

const names = (refs: readonly PolicyRef[]): string => refs.map((r) => `"${r.displayName}"`).join(', ')

/** A partner value, or the default's when the partner inherits it (null / absent). */
function inherited(partner: Json | null, defaults: Json | null, key: string, member: string): unknown {
  const own = partner && isObject(partner[key]) ? partner[key][member] : undefined
  if (own !== undefined && own !== null) return own
  return defaults && isObject(defaults[key]) ? defaults[key][member] : undefined
}

function trustSettings(input: EffectiveTrustInput): TrustSettings {
  const get = (member: string) =>
    inherited(input.partner, input.defaultPolicy, 'inboundTrust', member) === true
  return {
    mfa: get('isMfaAccepted'),
    compliantDevice: get('isCompliantDeviceAccepted'),
    hybridJoinedDevice: get('isHybridAzureADJoinedDeviceAccepted'),
  }
}

type InboundAccess = 'allowed' | 'limited' | 'blocked' | 'unknown'

function accessOf(setting: unknown, allTarget: string): InboundAccess {
  if (!isObject(setting)) return 'unknown'
  const all = Array.isArray(setting.targets)
    ? setting.targets.some((t) => isObject(t) && t.target === allTarget)
    : false
  if (setting.accessType === 'blocked') return all ? 'blocked' : 'limited'
  if (setting.accessType === 'allowed') return all ? 'allowed' : 'limited'
  return 'unknown'
}

/** Inbound B2B collaboration for the partner's users: its own setting, or the default's it inherits. */
function inboundB2b(input: EffectiveTrustInput): {
  access: InboundAccess
  fromDefault: boolean
  defaultBlocks: boolean
} {
  const own =
    input.partner && isObject(input.partner.b2bCollaborationInbound)
      ? input.partner.b2bCollaborationInbound
      : null
  const def =
    input.defaultPolicy && isObject(input.defaultPolicy.b2bCollaborationInbound)
      ? input.defaultPolicy.b2bCollaborationInbound
      : null
  const pick = (s: Json | null): InboundAccess => {
    if (!s) return 'unknown'
    const users = accessOf(s.usersAndGroups, 'AllUsers')
    const apps = accessOf(s.applications, 'AllApplications')
    if (users === 'blocked' || apps === 'blocked') return 'blocked'
    if (users === 'limited' || apps === 'limited') return 'limited'
    if (users === 'allowed' && apps === 'allowed') return 'allowed'
    return 'unknown'
  }
  const defaultAccess = pick(def)
  const ownAccess = pick(own)
  if (own && ownAccess !== 'unknown')
    return { access: ownAccess, fromDefault: false, defaultBlocks: defaultAccess === 'blocked' }
  return { access: defaultAccess, fromDefault: true, defaultBlocks: defaultAccess === 'blocked' }
}

const REQUIREMENT_KINDS: Record<TrustRequirement, ControlKind[]> = {
  mfa: ['mfa', 'strength'],
  compliant_device: ['compliant_device', 'hybrid_join'],
}

const REQUIREMENT_NAMES: Record<TrustRequirement, string> = {
  mfa: 'MFA',
  compliant_device: 'a compliant device',
}

const PARTNER_ENTRY_FIX =
  "Set the partner entry's trust settings as Crosstrust applies them (or switch the customer to remediate mode)."

function requirementResult(
  requirement: TrustRequirement,
  enforced: readonly CoveredPolicy[],
  trust: TrustSettings,
): RequirementResult {
  const kinds = REQUIREMENT_KINDS[requirement]
  const asking = enforced.filter((p) => controlResults(p, trust).some((r) => kinds.includes(r.kind)))
  const policies = asking.map((p) => p.ref)
  if (asking.length === 0)
    return {
      requirement,
      outcome: 'not_required',
      reason: `No enforced Conditional Access policy asks the partner's guests for ${REQUIREMENT_NAMES[requirement]}.`,
      fix: null,
      policies,
    }
  let outcome: RequirementOutcome = 'satisfied'
  for (const p of asking) outcome = worse(outcome, policyOutcome(p, controlResults(p, trust)))
  const list = names(policies)
  if (requirement === 'mfa') {
    switch (outcome) {
      case 'satisfied':
        return {
          requirement,
          outcome,
          reason: `${list} ask for MFA and the partner's MFA is trusted, so operators are not asked again.`,
          fix: null,
          policies,
        }
      case 'conditional':
        return {
          requirement,
          outcome,
          reason: `${list} ask for an authentication strength; trusted MFA counts only if operators sign in at home with a method that strength allows.`,
          fix: 'Use the built-in "Multifactor authentication" strength for the partner\'s guests, or confirm the partner signs in with methods your strength allows (for example FIDO2 or Windows Hello).',
          policies,
        }
      case 'blocked':
        return {
          requirement,
          outcome,
          reason: `${list} cannot be satisfied by the partner's operators, so they are blocked.`,
          fix: 'Exclude the partner tenant from the blocking policy or replace the block with "Require multifactor authentication".',
          policies,
        }
      default:
        return trust.mfa
          ? {
              requirement,
              outcome,
              reason: `${list} make operators sign in again (sign-in frequency or a control trust cannot satisfy) even though their MFA is trusted.`,
              fix: "Exclude the partner's guests from the sign-in frequency or extra grant controls, or accept the extra prompts.",
              policies,
            }
          : {
              requirement,
              outcome,
              reason: `${list} ask for MFA but the partner's MFA is not trusted, so operators must register and use MFA in your tenant too.`,
              fix: `Turn on "Trust multifactor authentication from Microsoft Entra tenants" for the partner. ${PARTNER_ENTRY_FIX}`,
              policies,
            }
    }
  }
  switch (outcome) {
    case 'satisfied':
      return {
        requirement,
        outcome,
        reason: `${list} require a compliant device and the partner's compliant devices are trusted, so operators on managed devices get in.`,
        fix: null,
        policies,
      }
    case 'blocked':
      return {
        requirement,
        outcome,
        reason: trust.compliantDevice
          ? `${list} require a device state (or block) that the partner's trusted claims do not satisfy, so operators are blocked.`
          : `${list} require a compliant device but the partner's device claims are not trusted, so operators are blocked.`,
        fix: trust.compliantDevice
          ? "Accept compliant devices (not only hybrid joined ones) for the partner's guests, or exclude the partner tenant from that policy."
          : `Turn on "Trust compliant devices" for the partner. ${PARTNER_ENTRY_FIX}`,
        policies,
      }
    default:
      return {
        requirement,
        outcome,
        reason: `${list} require a compliant device together with a control trust cannot satisfy, so operators are still prompted.`,
        fix: "Exclude the partner's guests from the extra controls or accept the prompts.",
        policies,
      }
  }
}

const ORDER: Record<TrustVerdict, number> = { effective: 0, no_effect: 1, partly: 2, blocked: 3, unknown: 4 }

/** Decides whether the partner policy does what it exists for in this tenant. Pure. */
export function evaluateEffectiveTrust(input: EffectiveTrustInput): EffectiveTrustResult {
  const findings: TrustFinding[] = []
  const missing = input.missingPermissions ?? []
  for (const m of missing) {
    findings.push({
      code: 'reconsent_needed',
      severity: 'blocker',
      permission: m.permission,
      reason: `Re-consent needed: ${m.permission} — ${m.why}`,
      fix: 'Send the customer a fresh consent link; their administrator grants the new permission in one step.',
    })
  }
  if (missing.length > 0 || input.conditionalAccessPolicies === null || input.authorizationPolicy === null) {
    const first = missing[0]
    return {
      verdict: 'unknown',
      reason: first
        ? `Re-consent needed: ${first.permission} — ${first.why}`
        : "The tenant's Conditional Access or authorization policy could not be read.",
      fix: first
        ? 'Send the customer a fresh consent link so their administrator grants the new permission.'
        : 'Nothing to do now: the next check reads them again.',
      requirements: [],
      findings,
    }
  }

  const trust = trustSettings(input)
  const state: { verdict: TrustVerdict; reason: string; fix: string | null } = {
    verdict: 'effective',
    reason: '',
    fix: null,
  }
  const escalate = (v: TrustVerdict, r: string, f: string | null) => {
    if (ORDER[v] > ORDER[state.verdict] || state.reason === '') {
      state.verdict = v
      state.reason = r
      state.fix = f
    }
  }

  // Inbound B2B collaboration: can the partner's users be guests here at all?
  const b2b = inboundB2b(input)
  if (b2b.access === 'blocked') {
    const r = b2b.fromDefault
      ? "Your default cross-tenant settings block inbound B2B collaboration and the partner's entry does not override it, so operators cannot sign in."
      : "The partner's entry blocks inbound B2B collaboration, so operators cannot sign in."
    const f =
      "Allow inbound B2B collaboration for all the partner's users and applications on the partner entry (Crosstrust applies this in remediate mode)."
    findings.push({ code: 'b2b_inbound_blocked', severity: 'blocker', reason: r, fix: f })
    escalate('blocked', r, f)
  } else if (b2b.access === 'limited') {
    const r =
      "Inbound B2B collaboration is allowed only for some of the partner's users or applications, so some operators may not get in."
    const f =
      "Allow inbound B2B collaboration for all the partner's users and applications on the partner entry."
    findings.push({ code: 'b2b_inbound_limited', severity: 'warning', reason: r, fix: f })
  } else if (b2b.access === 'allowed' && !b2b.fromDefault && b2b.defaultBlocks) {
    findings.push({
      code: 'default_blocks_overridden',
      severity: 'info',
      reason:
        "Your default settings block inbound B2B collaboration, but the partner's entry overrides it for the partner, which is what it should do.",
      fix: null,
    })
  }

  // Invitations: someone must be able to invite the partner's operators.
  const invites = input.authorizationPolicy.allowInvitesFrom
  if (invites === 'none') {
    findings.push({
      code: 'invitations_disabled',
      severity: 'warning',
      reason: 'Nobody in your tenant may invite guests, so new operators of the partner cannot be added.',
      fix: 'Under External collaboration settings, let at least admins and users in the Guest Inviter role invite guests.',
    })
  } else if (invites === 'adminsAndGuestInviters') {
    findings.push({
      code: 'invitations_admins_only',
      severity: 'info',
      reason:
        'Only admins and Guest Inviters can invite guests; someone in those roles must invite new operators.',
      fix: null,
    })
  }

  // Licence: Conditional Access (the only thing trust settings feed) needs Entra ID P1.
  if (input.licence === 'none') {
    const r =
      "Your tenant has no Entra ID P1, so Conditional Access cannot ask the partner's operators for MFA or a compliant device and the trust settings have nothing to satisfy."
    const f =
      'Add Entra ID P1 or P2 (or a bundle that includes it, such as Microsoft 365 E3 or Business Premium) if you want to require MFA or compliant devices.'
    findings.push({ code: 'no_p1', severity: 'warning', reason: r, fix: f })
    escalate('no_effect', r, f)
    return finish(state, [], findings)
  }

  // Conditional Access policies that reach the partner's guests.
  const enforced: CoveredPolicy[] = []
  const reportOnly: CoveredPolicy[] = []
  for (const p of input.conditionalAccessPolicies) {
    const c = coverage(p, input.partnerTenantId)
    if (c === null) continue
    if ('excluded' in c) {
      findings.push(
        c.excluded.why === 'partner_excluded'
          ? {
              code: 'partner_excluded',
              severity: 'info',
              reason: `"${c.excluded.ref.displayName}" excludes the partner's guests, so it asks them nothing.`,
              fix: null,
              policies: [c.excluded.ref],
            }
          : {
              code: 'guest_types_exclude_b2b',
              severity: 'info',
              reason: `"${c.excluded.ref.displayName}" targets guest types other than B2B collaboration guests, so it does not reach the partner's operators.`,
              fix: 'Add "B2B collaboration guest users" to the policy if it is meant to cover the partner\'s operators.',
              policies: [c.excluded.ref],
            },
      )
      continue
    }
    if (c.covered.state === 'enabled') enforced.push(c.covered)
    else reportOnly.push(c.covered)
  }

  for (const p of reportOnly) {
    const outcome = policyOutcome(p, controlResults(p, trust))
    findings.push({
      code: 'report_only_policy',
      severity: 'info',
      reason: `"${p.ref.displayName}" is report-only: it is not enforced today; switched on, operators would be ${outcome === 'satisfied' ? 'satisfied by trust' : outcome === 'blocked' ? 'blocked' : outcome === 'not_required' ? 'asked nothing' : 'prompted'}.`,
      fix: null,
      policies: [p.ref],
    })
  }
  for (const p of enforced) {
    const results = controlResults(p, trust)
    if (results.some((r) => r.kind === 'block')) {
      const r = `"${p.ref.displayName}" blocks the partner's guests, so operators cannot sign in.`
      const f = 'Exclude the partner tenant from the blocking policy.'
      findings.push({
        code: 'policy_blocks_guests',
        severity: 'blocker',
        reason: r,
        fix: f,
        policies: [p.ref],
      })
      escalate('blocked', r, f)
    }
    if (p.authenticationStrength && results.some((r) => r.kind === 'strength' && r.outcome === 'conditional'))
      findings.push({
        code: 'authentication_strength',
        severity: 'warning',
        reason: `"${p.ref.displayName}" requires the "${p.authenticationStrength.displayName}" strength; trusted MFA counts only when operators used one of its methods at home.`,
        fix: 'Use the built-in "Multifactor authentication" strength for the partner\'s guests, or agree with the partner on methods your strength allows.',
        policies: [p.ref],
      })
    if (p.signInFrequency !== null)
      findings.push({
        code: 'sign_in_frequency',
        severity: 'warning',
        reason: `"${p.ref.displayName}" makes operators sign in again ${p.signInFrequency}, whatever the trust settings.`,
        fix: "Exclude the partner's guests from the sign-in frequency control if the SOC needs long sessions.",
        policies: [p.ref],
      })
    if (p.selectedApps)
      findings.push({
        code: 'selected_apps',
        severity: 'info',
        reason: `"${p.ref.displayName}" applies to selected applications only.`,
        fix: null,
        policies: [p.ref],
      })
    if (results.some((r) => r.kind === 'hybrid_join') && !trust.hybridJoinedDevice)
      findings.push({
        code: 'hybrid_join_required',
        severity: 'warning',
        reason: `"${p.ref.displayName}" accepts hybrid joined devices, whose claims are not trusted for the partner.`,
        fix: "Require a compliant device for the partner's guests instead (compliant devices are trusted).",
        policies: [p.ref],
      })
    if (results.some((r) => r.kind === 'other'))
      findings.push({
        code: 'other_grant_controls',
        severity: 'info',
        reason: `"${p.ref.displayName}" has grant controls that trust settings do not cover (for example terms of use or app protection).`,
        fix: null,
        policies: [p.ref],
      })
  }

  const requirements = (['mfa', 'compliant_device'] as const).map((r) =>
    requirementResult(r, enforced, trust),
  )
  const required = requirements.filter((r) => r.outcome !== 'not_required')
  if (required.length === 0 && state.verdict !== 'blocked') {
    const r =
      "No enforced Conditional Access policy asks the partner's guests for MFA or a compliant device: the trust settings are harmless but have no effect."
    findings.push({
      code: 'no_guest_policy',
      severity: 'info',
      reason: r,
      fix: "Create a Conditional Access policy for B2B collaboration guests that requires MFA (and a compliant device if wanted); the partner's operators then satisfy it through trust.",
    })
    escalate('no_effect', r, findings.at(-1)?.fix ?? null)
    return finish(state, requirements, findings)
  }
  if (!trust.mfa && required.some((r) => r.requirement === 'mfa' && r.outcome === 'prompted'))
    findings.push({
      code: 'trust_off',
      severity: 'warning',
      reason: "MFA from the partner's tenant is not trusted.",
      fix: `Turn on "Trust multifactor authentication from Microsoft Entra tenants" for the partner. ${PARTNER_ENTRY_FIX}`,
    })
  if (
    !trust.compliantDevice &&
    required.some((r) => r.requirement === 'compliant_device' && r.outcome === 'blocked')
  )
    findings.push({
      code: 'device_trust_off',
      severity: 'blocker',
      reason: "Compliant devices from the partner's tenant are not trusted.",
      fix: `Turn on "Trust compliant devices" for the partner. ${PARTNER_ENTRY_FIX}`,
    })

  const blocked = required.find((r) => r.outcome === 'blocked')
  const satisfied = required.filter((r) => r.outcome === 'satisfied')
  const open = required.filter((r) => r.outcome === 'prompted' || r.outcome === 'conditional')
  if (blocked) escalate('blocked', blocked.reason, blocked.fix)
  else if (open.length === 0) {
    if (state.verdict === 'effective' && state.reason === '') {
      state.reason = `Operators of the partner are not asked again: ${satisfied.map((r) => REQUIREMENT_NAMES[r.requirement]).join(' and ')} ${satisfied.length === 1 ? 'is' : 'are'} satisfied through trust.`
    }
  } else if (
    satisfied.length === 0 &&
    open.every(
      (r) => r.outcome === 'prompted' && !(r.requirement === 'mfa' ? trust.mfa : trust.compliantDevice),
    )
  ) {
    escalate('no_effect', open[0]?.reason ?? '', open[0]?.fix ?? null)
  } else {
    const first = open[0]
    escalate('partly', first?.reason ?? '', first?.fix ?? null)
  }
  return finish(state, requirements, findings)
}

function finish(
  { verdict, reason, fix }: { verdict: TrustVerdict; reason: string; fix: string | null },
  requirements: RequirementResult[],
  findings: TrustFinding[],
): EffectiveTrustResult {
  // A warning (e.g. invitations disabled) keeps an otherwise effective trust from being called effective.
  const warning = findings.find((f) => f.severity !== 'info')
  if (verdict === 'effective' && warning)
    return { verdict: 'partly', reason: warning.reason, fix: warning.fix, requirements, findings }
  return { verdict, reason, fix, requirements, findings }
}
