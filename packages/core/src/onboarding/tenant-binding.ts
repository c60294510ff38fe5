// Which tenant a consent may bind to a customer. The input tenant is always the `tid` of an ID token Microsoft
// signed for the admin who is signing in, never a redirect parameter. Pure: the caller reads the facts.

export interface TenantBindingFacts {
  /** The `tid` of the verified ID token (lower-case GUID). */
  signedInTenantId: string
  /** The customer's bound tenant (onboarded before), if any. */
  boundTenantId: string | null
  /** The tenant given (or resolved from a domain) when the customer was created, if any. */
  expectedTenantId: string | null
  /** A first-time tenant an Operator already confirmed for this customer, if any. */
  confirmedTenantId: string | null
  /** The SOC provider's own tenant: never a customer. */
  partnerTenantId: string
  /** Another live customer holds or expects this tenant. */
  heldByAnotherCustomer: boolean
}

export type TenantBinding =
  | { accepted: true; basis: 'bound' | 'expected' | 'confirmed' | 'first_time' }
  | {
      accepted: false
      reason: 'partner_tenant' | 'wrong_tenant' | 'tenant_taken'
      /** The tenant the customer must sign in with, when there is exactly one. */
      expectedTenantId: string | null
    }

const same = (a: string | null, b: string) => a !== null && a.toLowerCase() === b.toLowerCase()

/**
 * A bound tenant never changes through a link; an expected tenant is the only one accepted; a tenant
 * another customer holds is refused; anything else is a first-time tenant that waits for an Operator.
 */
export function decideTenantBinding(facts: TenantBindingFacts): TenantBinding {
  const tid = facts.signedInTenantId
  if (same(facts.partnerTenantId, tid)) {
    return { accepted: false, reason: 'partner_tenant', expectedTenantId: null }
  }
  const required = facts.boundTenantId ?? facts.expectedTenantId
  if (required !== null) {
    if (!same(required, tid)) return { accepted: false, reason: 'wrong_tenant', expectedTenantId: required }
    if (facts.heldByAnotherCustomer) {
      return { accepted: false, reason: 'tenant_taken', expectedTenantId: null }
    }
    return { accepted: true, basis: facts.boundTenantId !== null ? 'bound' : 'expected' }
  }
  if (facts.heldByAnotherCustomer) return { accepted: false, reason: 'tenant_taken', expectedTenantId: null }
  return { accepted: true, basis: same(facts.confirmedTenantId, tid) ? 'confirmed' : 'first_time' }
}

export interface BindingRefusalMessage {
  title: string
  message: string
  nextStep: string
}

/** Customer-safe words for a refusal: names no other customer, says what to do. */
export function describeBindingRefusal(
  refusal: Extract<TenantBinding, { accepted: false }>,
  partnerName: string,
  signedIn: { username: string | null; tenantId: string },
): BindingRefusalMessage {
  const who = signedIn.username ?? 'The account you signed in with'
  switch (refusal.reason) {
    case 'partner_tenant':
      return {
        title: 'This is the partner’s own tenant',
        message: `${who} belongs to ${partnerName}'s own tenant (${signedIn.tenantId}), which cannot be onboarded as a customer.`,
        nextStep: 'Sign in with an administrator of your own organization’s tenant.',
      }
    case 'wrong_tenant':
      return {
        title: 'Wrong tenant',
        message: `${who} belongs to tenant ${signedIn.tenantId}, but this link is for tenant ${refusal.expectedTenantId ?? 'another tenant'}.`,
        nextStep: `Sign in with an administrator of tenant ${refusal.expectedTenantId ?? 'your organization'}, or ask ${partnerName} for a link for this tenant.`,
      }
    case 'tenant_taken':
      return {
        title: 'Tenant already connected',
        message: `Tenant ${signedIn.tenantId} is already connected to ${partnerName} under another customer record.`,
        nextStep: `Contact ${partnerName}: they can check which link belongs to your organization.`,
      }
  }
}
