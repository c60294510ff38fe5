// Graph v1.0 conformance for the authorization policy and licence states, driven by the real
// @microsoft/microsoft-graph-client with MSAL client-credentials tokens.
import { describe, expect, it } from 'vitest'
import { CONTOSO, sim, g, json } from './helpers.ts'
import { usePolicyGraph } from './graph-policies-support.ts'

usePolicyGraph()

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
