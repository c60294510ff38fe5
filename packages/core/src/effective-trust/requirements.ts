import {
  controlResults,
  policyOutcome,
  worse,
  type ControlKind,
  type CoveredPolicy,
  type TrustSettings,
} from './conditional-access.ts'
import type { PolicyRef, RequirementOutcome, RequirementResult, TrustRequirement } from './types.ts'

// Per requirement (MFA, a compliant device): do the enforced policies ask for it, and does trust satisfy it.

const names = (refs: readonly PolicyRef[]): string => refs.map((r) => `"${r.displayName}"`).join(', ')

const REQUIREMENT_KINDS: Record<TrustRequirement, ControlKind[]> = {
  mfa: ['mfa', 'strength'],
  compliant_device: ['compliant_device', 'hybrid_join'],
}

export const REQUIREMENT_NAMES: Record<TrustRequirement, string> = {
  mfa: 'MFA',
  compliant_device: 'a compliant device',
}

export const PARTNER_ENTRY_FIX =
  "Set the partner entry's trust settings as Crosstrust applies them (or switch the customer to remediate mode)."

export function requirementResult(
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
