import type { MissingPermission } from './types.ts'

/**
 * Graph application permissions the effective-trust reads need beyond the ones onboarding always needed.
 * Policy.Read.All is the least privileged application permission for both reads (Microsoft Learn: "List
 * policies" of conditionalAccessRoot and "Get authorizationPolicy").
 */
export const EFFECTIVE_TRUST_PERMISSIONS: readonly (MissingPermission & {
  satisfiedBy: readonly string[]
})[] = [
  {
    permission: 'Policy.Read.All',
    satisfiedBy: ['Policy.Read.All'],
    why: "to read your Conditional Access policies and who may invite guests, so Crosstrust can tell whether the partner's operators will still be prompted for MFA or blocked.",
  },
]

/** The effective-trust permissions a token's `roles` lack. */
export function missingTrustPermissions(roles: readonly string[]): MissingPermission[] {
  return EFFECTIVE_TRUST_PERMISSIONS.filter((p) => !p.satisfiedBy.some((r) => roles.includes(r))).map(
    ({ permission, why }) => ({ permission, why }),
  )
}
