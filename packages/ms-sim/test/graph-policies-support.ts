// Shared setup of the Graph policy conformance tests: Contoso seeded with one Conditional Access policy for
// partner users, an authorization policy edit and a SKU in the Warning state.
import type { ConditionalAccessPolicyInput, SimSeed } from '../src/index.ts'
import { CONTOSO, PARTNER, testSeedWithContoso, useContosoGraph } from './helpers.ts'

export const CA = '/identity/conditionalAccess/policies'
export const POLICY_ID = '3f1a7c2e-5b4d-4e6f-8a9b-0c1d2e3f4a5b'

export const partnerMfaPolicy: ConditionalAccessPolicyInput = {
  id: POLICY_ID,
  displayName: 'Require MFA for Truesec Detect',
  state: 'enabled',
  createdDateTime: '2026-01-05T08:00:00Z',
  conditions: {
    users: {
      includeGuestsOrExternalUsers: {
        guestOrExternalUserTypes: 'b2bCollaborationGuest,b2bCollaborationMember',
        externalTenants: { membershipKind: 'enumerated', members: [PARTNER] },
      },
      excludeUsers: ['GuestsOrExternalUsers'],
    },
    applications: { includeApplications: ['All'] },
  },
  grantControls: {
    operator: 'OR',
    builtInControls: [],
    authenticationStrength: {
      id: '00000000-0000-0000-0000-000000000004',
      displayName: 'Phishing-resistant MFA',
    },
  },
  sessionControls: { signInFrequency: { value: 4, type: 'hours', isEnabled: true } },
}

export async function seedWithPolicies(): Promise<SimSeed> {
  const seed = await testSeedWithContoso()
  const contoso = seed.tenants?.find((t) => t.id === CONTOSO)
  if (!contoso) throw new Error('no contoso in the seed')
  contoso.conditionalAccessPolicies = [partnerMfaPolicy]
  contoso.authorizationPolicy = { allowInvitesFrom: 'adminsAndGuestInviters' }
  contoso.skuStatuses = { AAD_PREMIUM_P2: 'Warning' }
  return seed
}

/** A simulator reset to this seed before each test; `g` reads Contoso with Policy.Read.All. */
export function usePolicyGraph(): void {
  useContosoGraph(seedWithPolicies, ['Policy.Read.All', 'Organization.Read.All'])
}
