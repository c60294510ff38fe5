import {
  controlResults,
  coverage,
  policyOutcome,
  type CoveredPolicy,
  type TrustSettings,
} from './conditional-access.ts'
import type { EffectiveTrustInput, TrustFinding, TrustVerdict } from './types.ts'

// What each Conditional Access policy that reaches the partner's guests means for them: excluded, report-only,
// or enforced (a block, an authentication strength, sign-in frequency, selected apps, hybrid join, other
// controls). Returns the enforced policies; findings and escalations go to the caller's collectors.

export type Escalate = (verdict: TrustVerdict, reason: string, fix: string | null) => void

export function conditionalAccessFindings(
  policies: NonNullable<EffectiveTrustInput['conditionalAccessPolicies']>,
  partnerTenantId: string,
  trust: TrustSettings,
  findings: TrustFinding[],
  escalate: Escalate,
): CoveredPolicy[] {
  // Conditional Access policies that reach the partner's guests.
  const enforced: CoveredPolicy[] = []
  const reportOnly: CoveredPolicy[] = []
  for (const p of policies) {
    const c = coverage(p, partnerTenantId)
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

  return enforced
}
