// The Graph v1.0 paths the gateway reads and writes, shared by the single-request methods and the JSON batch
// reader so both ask for exactly the same resources.
export const PARTNERS_PATH = '/policies/crossTenantAccessPolicy/partners'
export const partnerPath = (partnerTenantId: string): string =>
  `${PARTNERS_PATH}/${encodeURIComponent(partnerTenantId)}`
export const DEFAULT_POLICY_PATH = '/policies/crossTenantAccessPolicy/default'
export const CONDITIONAL_ACCESS_POLICIES_PATH = '/identity/conditionalAccess/policies'
export const AUTHORIZATION_POLICY_PATH = '/policies/authorizationPolicy'
export const SUBSCRIBED_SKUS_PATH = '/subscribedSkus'

/** A tenant has at most a few hundred Conditional Access policies; a link loop must end. */
export const MAX_POLICY_PAGES = 50
