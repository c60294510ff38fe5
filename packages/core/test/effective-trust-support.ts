// Builders for the effective-trust tables: Conditional Access policies, the authorization policy and
// cross-tenant policies in the JSON shape Microsoft Graph v1.0 returns, and what every row asserts.
import { expect } from 'vitest'
import {
  evaluateEffectiveTrust,
  type EffectiveTrustInput,
  type TrustFindingCode,
  type TrustVerdict,
} from '../src/index.ts'
import { compliantPartner, PARTNER_TENANT_ID } from './fixtures.ts'

export const OTHER_TENANT = '5f1c6a1b-3f0e-4a6e-9d55-0c3c1e7b2a11'
export const PHISHING_RESISTANT = '00000000-0000-0000-0000-000000000004'

export type Json = Record<string, unknown>

/** A conditionalAccessPolicy as GET /identity/conditionalAccess/policies returns it. */
export function caPolicy(over: {
  id?: string
  displayName?: string
  state?: string
  users?: Json
  applications?: Json
  grantControls?: Json | null
  sessionControls?: Json | null
}): Json {
  return {
    id: over.id ?? 'f1a2b3c4-0000-4000-8000-000000000001',
    templateId: null,
    displayName: over.displayName ?? 'Guests: require MFA',
    createdDateTime: '2026-10-01T08:00:00Z',
    modifiedDateTime: null,
    state: over.state ?? 'enabled',
    sessionControls: over.sessionControls ?? null,
    conditions: {
      userRiskLevels: [],
      signInRiskLevels: [],
      clientAppTypes: ['all'],
      platforms: null,
      locations: null,
      devices: null,
      applications: {
        includeApplications: ['All'],
        excludeApplications: [],
        includeUserActions: [],
        includeAuthenticationContextClassReferences: [],
        ...over.applications,
      },
      users: {
        includeUsers: [],
        excludeUsers: [],
        includeGroups: [],
        excludeGroups: [],
        includeRoles: [],
        excludeRoles: [],
        includeGuestsOrExternalUsers: null,
        excludeGuestsOrExternalUsers: null,
        ...over.users,
      },
    },
    grantControls:
      over.grantControls === null
        ? null
        : {
            operator: 'OR',
            builtInControls: ['mfa'],
            customAuthenticationFactors: [],
            termsOfUse: [],
            authenticationStrength: null,
            ...over.grantControls,
          },
  }
}

export const b2bGuests = (
  types = 'b2bCollaborationGuest',
  tenants: Json = { membershipKind: 'all' },
): Json => ({
  includeGuestsOrExternalUsers: {
    guestOrExternalUserTypes: types,
    externalTenants:
      tenants.membershipKind === 'enumerated'
        ? { '@odata.type': '#microsoft.graph.conditionalAccessEnumeratedExternalTenants', ...tenants }
        : { '@odata.type': '#microsoft.graph.conditionalAccessAllExternalTenants', membershipKind: 'all' },
  },
})

export const authorizationPolicy = (allowInvitesFrom = 'everyone'): Json => ({
  id: 'authorizationPolicy',
  allowInvitesFrom,
  guestUserRoleId: '10dae51f-b6af-4016-8d66-8c2a99b929b3',
})

export const defaultCrossTenant = (over: Json = {}): Json => ({
  id: '0cbce9c4-2f48-4c0e-8bd5-0bd1b8f0d4f2',
  isServiceDefault: true,
  inboundTrust: {
    isMfaAccepted: false,
    isCompliantDeviceAccepted: false,
    isHybridAzureADJoinedDeviceAccepted: false,
  },
  b2bCollaborationInbound: {
    usersAndGroups: { accessType: 'allowed', targets: [{ target: 'AllUsers', targetType: 'user' }] },
    applications: {
      accessType: 'allowed',
      targets: [{ target: 'AllApplications', targetType: 'application' }],
    },
  },
  ...over,
})

export const blockedInbound = {
  usersAndGroups: { accessType: 'blocked', targets: [{ target: 'AllUsers', targetType: 'user' }] },
  applications: {
    accessType: 'blocked',
    targets: [{ target: 'AllApplications', targetType: 'application' }],
  },
}

export function input(over: Partial<EffectiveTrustInput> = {}): EffectiveTrustInput {
  return {
    partnerTenantId: PARTNER_TENANT_ID,
    partner: compliantPartner(),
    defaultPolicy: defaultCrossTenant(),
    licence: 'p2',
    conditionalAccessPolicies: [caPolicy({ users: b2bGuests() })],
    authorizationPolicy: authorizationPolicy(),
    ...over,
  }
}

export interface Row {
  name: string
  input: EffectiveTrustInput
  verdict: TrustVerdict
  mfa?: string
  device?: string
  findings?: TrustFindingCode[]
}

/** What every row asserts: the verdict, a reason (and a fix unless effective), each requirement's outcome, the findings. */
export function expectRow(row: Row): void {
  const result = evaluateEffectiveTrust(row.input)
  expect(result.verdict).toBe(row.verdict)
  expect(result.reason.length).toBeGreaterThan(10)
  if (row.verdict !== 'effective') expect(result.fix).not.toBeNull()
  const outcome = (r: string) => result.requirements.find((x) => x.requirement === r)?.outcome
  if (row.mfa) expect(outcome('mfa')).toBe(row.mfa)
  if (row.device) expect(outcome('compliant_device')).toBe(row.device)
  for (const code of row.findings ?? []) expect(result.findings.map((f) => f.code)).toContain(code)
  for (const f of result.findings) expect(f.reason.length).toBeGreaterThan(10)
}
