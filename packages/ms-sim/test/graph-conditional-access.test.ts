// Graph v1.0 conformance for Conditional Access policies, driven by the real
// @microsoft/microsoft-graph-client with MSAL client-credentials tokens.
import { describe, expect, it } from 'vitest'
import { appToken, CONTOSO, DEMO_IDS, graph, PARTNER, sim, g, graphError, json } from './helpers.ts'
import { CA, partnerMfaPolicy, POLICY_ID, usePolicyGraph } from './graph-policies-support.ts'

usePolicyGraph()

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
