import { conditionalAccessFindings } from './policy-findings.ts'
import { PARTNER_ENTRY_FIX, REQUIREMENT_NAMES, requirementResult } from './requirements.ts'
import { inboundB2b, trustSettings } from './tenant-settings.ts'
import type {
  EffectiveTrustInput,
  EffectiveTrustResult,
  RequirementResult,
  TrustFinding,
  TrustVerdict,
} from './types.ts'

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

  const enforced = conditionalAccessFindings(
    input.conditionalAccessPolicies,
    input.partnerTenantId,
    trust,
    findings,
    escalate,
  )

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
