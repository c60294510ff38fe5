// Graph v1.0 conformance for Conditional Access policies, the authorization policy and licence states,
// driven by the real @microsoft/microsoft-graph-client with MSAL client-credentials tokens.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { GraphError } from '@microsoft/microsoft-graph-client'
import type { Client } from '@microsoft/microsoft-graph-client'
import type { ConditionalAccessPolicyInput, RunningSimulator, SimSeed } from '../src/index.ts'
import { appToken, CONTOSO, DEMO_IDS, graph, PARTNER, startTestSim, testSeedWithContoso } from './helpers.ts'

const CA = '/identity/conditionalAccess/policies'
const POLICY_ID = '3f1a7c2e-5b4d-4e6f-8a9b-0c1d2e3f4a5b'

const partnerMfaPolicy: ConditionalAccessPolicyInput = {
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

async function seedWithPolicies(): Promise<SimSeed> {
  const seed = await testSeedWithContoso()
  const contoso = seed.tenants?.find((t) => t.id === CONTOSO)
  if (!contoso) throw new Error('no contoso in the seed')
  contoso.conditionalAccessPolicies = [partnerMfaPolicy]
  contoso.authorizationPolicy = { allowInvitesFrom: 'adminsAndGuestInviters' }
  contoso.skuStatuses = { AAD_PREMIUM_P2: 'Warning' }
  return seed
}

let sim: RunningSimulator
let g: Client
beforeAll(async () => {
  sim = await startTestSim()
})
afterAll(async () => {
  await sim.close()
})
beforeEach(async () => {
  sim.state.reset(await seedWithPolicies())
  sim.state.grantConsent(CONTOSO, DEMO_IDS.appClientId, {
    roles: ['Policy.Read.All', 'Organization.Read.All'],
    ageSeconds: 86_400,
  })
  const token = await appToken(sim, CONTOSO)
  g = graph(sim, () => token)
})

async function graphError(p: Promise<unknown>): Promise<GraphError> {
  try {
    await p
  } catch (e) {
    if (e instanceof GraphError) return e
    throw e
  }
  throw new Error('expected a GraphError')
}

const json = (method: string, body?: unknown): RequestInit => ({
  method,
  headers: body === undefined ? {} : { 'content-type': 'application/json' },
  body: body === undefined ? undefined : JSON.stringify(body),
})

describe('conditional access policies', () => {
  it('lists seeded policies in the documented shape, every property present', async () => {
    const r = (await g.api(CA).get()) as { '@odata.context': string; value: Record<string, unknown>[] }
    expect(r['@odata.context']).toBe(`${sim.graphUrl}/v1.0/$metadata#identity/conditionalAccess/policies`)
    expect(r.value).toEqual([
      {
        id: POLICY_ID,
        templateId: null,
        displayName: 'Require MFA for Truesec Detect',
        createdDateTime: '2026-01-05T08:00:00Z',
        modifiedDateTime: null,
        state: 'enabled',
        sessionControls: {
          applicationEnforcedRestrictions: null,
          cloudAppSecurity: null,
          persistentBrowser: null,
          disableResilienceDefaults: null,
          signInFrequency: {
            value: 4,
            type: 'hours',
            authenticationType: 'primaryAndSecondaryAuthentication',
            frequencyInterval: 'timeBased',
            isEnabled: true,
          },
        },
        conditions: {
          userRiskLevels: [],
          signInRiskLevels: [],
          clientAppTypes: ['all'],
          servicePrincipalRiskLevels: [],
          insiderRiskLevels: null,
          platforms: null,
          locations: null,
          devices: null,
          clientApplications: null,
          authenticationFlows: null,
          applications: {
            includeApplications: ['All'],
            excludeApplications: [],
            includeUserActions: [],
            includeAuthenticationContextClassReferences: [],
            applicationFilter: null,
          },
          users: {
            includeUsers: [],
            excludeUsers: ['GuestsOrExternalUsers'],
            includeGroups: [],
            excludeGroups: [],
            includeRoles: [],
            excludeRoles: [],
            includeGuestsOrExternalUsers: {
              guestOrExternalUserTypes: 'b2bCollaborationGuest,b2bCollaborationMember',
              externalTenants: {
                '@odata.type': '#microsoft.graph.conditionalAccessEnumeratedExternalTenants',
                membershipKind: 'enumerated',
                members: [PARTNER],
              },
            },
            excludeGuestsOrExternalUsers: null,
          },
        },
        grantControls: {
          operator: 'OR',
          builtInControls: [],
          customAuthenticationFactors: [],
          termsOfUse: [],
          authenticationStrength: {
            id: '00000000-0000-0000-0000-000000000004',
            displayName: 'Phishing-resistant MFA',
          },
        },
      },
    ])
    const one = (await g.api(`${CA}/${POLICY_ID}`).get()) as Record<string, unknown>
    expect(one.displayName).toBe('Require MFA for Truesec Detect')
    expect((await graphError(g.api(`${CA}/${PARTNER}`).get())).code).toBe('Request_ResourceNotFound')
  })

  it('shows a customer edit, creation and deletion through the control API', async () => {
    const url = `${sim.graphUrl}/_sim/tenants/${CONTOSO}/conditional-access/policies`
    const replaced = await fetch(
      `${url}/${POLICY_ID}`,
      json('PUT', {
        ...partnerMfaPolicy,
        state: 'enabledForReportingButNotEnforced',
        conditions: {
          ...partnerMfaPolicy.conditions,
          users: {
            includeGuestsOrExternalUsers: {
              guestOrExternalUserTypes: 'b2bCollaborationGuest',
              externalTenants: { membershipKind: 'all' },
            },
          },
        },
        grantControls: { operator: 'AND', builtInControls: ['mfa', 'compliantDevice'] },
      }),
    )
    expect(replaced.status).toBe(200)
    const got = (await g.api(`${CA}/${POLICY_ID}`).get()) as {
      state: string
      modifiedDateTime: string | null
      createdDateTime: string
      conditions: { users: { includeGuestsOrExternalUsers: unknown } }
      grantControls: { operator: string; builtInControls: string[]; authenticationStrength: unknown }
    }
    expect(got.state).toBe('enabledForReportingButNotEnforced')
    expect(got.createdDateTime).toBe('2026-01-05T08:00:00Z')
    expect(got.modifiedDateTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/)
    expect(got.conditions.users.includeGuestsOrExternalUsers).toEqual({
      guestOrExternalUserTypes: 'b2bCollaborationGuest',
      externalTenants: {
        '@odata.type': '#microsoft.graph.conditionalAccessAllExternalTenants',
        membershipKind: 'all',
      },
    })
    expect(got.grantControls).toMatchObject({
      operator: 'AND',
      builtInControls: ['mfa', 'compliantDevice'],
      authenticationStrength: null,
    })

    const created = await fetch(
      url,
      json('POST', {
        displayName: 'Block legacy auth',
        state: 'disabled',
        conditions: { users: { includeUsers: ['All'] }, clientAppTypes: ['exchangeActiveSync', 'other'] },
        grantControls: { operator: 'OR', builtInControls: ['block'] },
      }),
    )
    expect(created.status).toBe(201)
    const newId = ((await created.json()) as { id: string }).id
    expect(((await g.api(CA).get()) as { value: { id: string }[] }).value.map((p) => p.id)).toEqual([
      POLICY_ID,
      newId,
    ])

    expect((await fetch(`${url}/${POLICY_ID}`, json('DELETE'))).status).toBe(204)
    expect(((await g.api(CA).get()) as { value: { id: string }[] }).value.map((p) => p.id)).toEqual([newId])
    expect((await fetch(`${url}/${POLICY_ID}`, json('DELETE'))).status).toBe(404)
  })

  it('rejects invalid policies in the control API (state, guest types)', async () => {
    const url = `${sim.graphUrl}/_sim/tenants/${CONTOSO}/conditional-access/policies`
    expect((await fetch(url, json('POST', { ...partnerMfaPolicy, id: undefined, state: 'on' }))).status).toBe(
      400,
    )
    const badGuests = {
      ...partnerMfaPolicy,
      id: undefined,
      conditions: { users: { includeGuestsOrExternalUsers: { guestOrExternalUserTypes: 'guests' } } },
    }
    expect((await fetch(url, json('POST', badGuests))).status).toBe(400)
  })

  it('needs Policy.Read.All (or Policy.ReadWrite.ConditionalAccess): 403 Authorization_RequestDenied otherwise', async () => {
    sim.state.grantConsent(CONTOSO, DEMO_IDS.appClientId, {
      roles: ['Policy.ReadWrite.CrossTenantAccess'],
      ageSeconds: 86_400,
    })
    const t = await appToken(sim, CONTOSO)
    const e = await graphError(
      graph(sim, () => t)
        .api(CA)
        .get(),
    )
    expect(e.statusCode).toBe(403)
    expect(e.code).toBe('Authorization_RequestDenied')
    expect(e.message).toBe('Insufficient privileges to complete the operation.')
  })
})

describe('authorization policy', () => {
  it('returns the seeded policy with the documented properties and follows control API edits', async () => {
    const p = (await g.api('/policies/authorizationPolicy').get()) as Record<string, unknown>
    expect(p).toEqual({
      '@odata.context': `${sim.graphUrl}/v1.0/$metadata#policies/authorizationPolicy/$entity`,
      id: 'authorizationPolicy',
      allowInvitesFrom: 'adminsAndGuestInviters',
      allowedToSignUpEmailBasedSubscriptions: true,
      allowedToUseSSPR: true,
      allowEmailVerifiedUsersToJoinOrganization: false,
      allowUserConsentForRiskyApps: null,
      blockMsolPowerShell: false,
      description: 'Used to manage authorization related settings across the company.',
      displayName: 'Authorization Policy',
      guestUserRoleId: '10dae51f-b6af-4016-8d66-8c2a99b929b3',
      defaultUserRolePermissions: {
        allowedToCreateApps: true,
        allowedToCreateSecurityGroups: true,
        allowedToCreateTenants: true,
        allowedToReadBitlockerKeysForOwnedDevice: true,
        allowedToReadOtherUsers: true,
        permissionGrantPoliciesAssigned: ['ManagePermissionGrantsForSelf.microsoft-user-default-legacy'],
      },
    })
    const url = `${sim.graphUrl}/_sim/tenants/${CONTOSO}/authorization-policy`
    const patched = await fetch(
      url,
      json('PATCH', {
        allowInvitesFrom: 'none',
        guestUserRoleId: '2af84b1e-32c8-42b7-82bc-daa82404023b',
        defaultUserRolePermissions: { allowedToCreateApps: false },
      }),
    )
    expect(patched.status).toBe(200)
    const after = (await g.api('/policies/authorizationPolicy').get()) as {
      allowInvitesFrom: string
      guestUserRoleId: string
      defaultUserRolePermissions: Record<string, unknown>
    }
    expect(after.allowInvitesFrom).toBe('none')
    expect(after.guestUserRoleId).toBe('2af84b1e-32c8-42b7-82bc-daa82404023b')
    expect(after.defaultUserRolePermissions.allowedToCreateApps).toBe(false)
    expect(after.defaultUserRolePermissions.allowedToReadOtherUsers).toBe(true)
    expect((await fetch(url, json('PATCH', { allowInvitesFrom: 'anyone' }))).status).toBe(400)
    expect((await fetch(url, json('PATCH', { allowInvitesfrom: 'none' }))).status).toBe(400)
    const put = await fetch(url, json('PUT', {}))
    expect(((await put.json()) as { allowInvitesFrom: string }).allowInvitesFrom).toBe('everyone')
  })
})

describe('licence states', () => {
  it('reports each seeded SKU capabilityStatus, with units in the matching bucket', async () => {
    type Sku = { skuPartNumber: string; capabilityStatus: string; prepaidUnits: Record<string, number> }
    const skus = async (): Promise<Sku[]> =>
      ((await g.api('/subscribedSkus').get()) as { value: Sku[] }).value
    expect((await skus()).map((s) => [s.skuPartNumber, s.capabilityStatus, s.prepaidUnits])).toEqual([
      ['STANDARDPACK', 'Enabled', { enabled: 25, suspended: 0, warning: 0, lockedOut: 0 }],
      ['AAD_PREMIUM_P2', 'Warning', { enabled: 0, suspended: 0, warning: 50, lockedOut: 0 }],
    ])
    for (const status of ['Suspended', 'LockedOut', 'Deleted', 'Enabled'] as const) {
      const r = await fetch(
        `${sim.graphUrl}/_sim/tenants/${CONTOSO}/sku-statuses`,
        json('PUT', { AAD_PREMIUM_P2: status }),
      )
      expect(r.status).toBe(200)
      expect((await skus()).find((s) => s.skuPartNumber === 'AAD_PREMIUM_P2')?.capabilityStatus).toBe(status)
    }
    const org = (await g.api('/organization').get()) as {
      value: { assignedPlans: { capabilityStatus: string }[] }[]
    }
    expect(new Set(org.value[0]?.assignedPlans.map((p) => p.capabilityStatus))).toEqual(new Set(['Enabled']))
    expect(
      (
        await fetch(
          `${sim.graphUrl}/_sim/tenants/${CONTOSO}/sku-statuses`,
          json('PUT', { AAD_PREMIUM: 'Gone' }),
        )
      ).status,
    ).toBe(400)
  })
})
