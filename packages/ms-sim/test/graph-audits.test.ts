// Graph v1.0 conformance for directory audits of cross-tenant access settings (app writes and customer
// edits, ingestion delay, $filter, $top and @odata.nextLink paging) and the paged partner list, driven by
// the real @microsoft/microsoft-graph-client and MSAL.
import { describe, expect, it } from 'vitest'
import { PageIterator } from '@microsoft/microsoft-graph-client'
import type { PageCollection } from '@microsoft/microsoft-graph-client'
import {
  appToken,
  CONTOSO,
  desiredPartner,
  DEMO_IDS,
  graph,
  PARTNER,
  sim,
  g,
  graphError,
  json,
  PARTNERS,
} from './helpers.ts'
import { allPages, type Audit, AUDITS, CATEGORY, noDelay, useAuditGraph } from './graph-audits-support.ts'

useAuditGraph()

describe('directory audits of cross-tenant access settings', () => {
  it('records the app POST, PATCH, DELETE and default PATCH with Microsoft activity names, newest first', async () => {
    noDelay()
    await g.api(PARTNERS).post(desiredPartner(PARTNER))
    await g.api(`${PARTNERS}/${PARTNER}`).patch({ inboundTrust: { isMfaAccepted: false } })
    await g.api(`${PARTNERS}/${PARTNER}`).delete()
    await g.api('/policies/crossTenantAccessPolicy/default').patch({
      automaticUserConsentSettings: { inboundAllowed: true },
    })
    const r = (await g.api(AUDITS).filter(CATEGORY).get()) as { value: Audit[] }
    expect(r.value.map((a) => a.activityDisplayName)).toEqual([
      'Update the company default cross-tenant access setting',
      'Delete partner specific cross-tenant access setting',
      'Update a partner cross-tenant access setting',
      'Add a partner to cross-tenant access setting',
    ])
    const sp = sim.state.requireTenant(CONTOSO).servicePrincipals.get(DEMO_IDS.appClientId)
    for (const a of r.value) {
      expect(a).toMatchObject({
        category: 'CrossTenantAccessSettings',
        result: 'success',
        loggedByService: 'Core Directory',
      })
      expect(a.initiatedBy.user).toBeNull()
      expect(a.initiatedBy.app).toMatchObject({
        appId: DEMO_IDS.appClientId,
        displayName: 'Crosstrust by Truesec Detect',
        servicePrincipalId: sp?.id,
      })
    }
    const update = r.value[2]
    expect(update?.operationType).toBe('Update')
    expect(update?.targetResources[0]).toMatchObject({ id: PARTNER, type: 'Policy' })
    expect(update?.targetResources[0]?.modifiedProperties).toEqual([
      {
        displayName: 'inboundTrust',
        oldValue: JSON.stringify({
          isMfaAccepted: true,
          isCompliantDeviceAccepted: true,
          isHybridAzureADJoinedDeviceAccepted: false,
        }),
        newValue: JSON.stringify({
          isMfaAccepted: false,
          isCompliantDeviceAccepted: null,
          isHybridAzureADJoinedDeviceAccepted: null,
        }),
      },
    ])
    const times = r.value.map((a) => Date.parse(a.activityDateTime))
    expect([...times].sort((a, b) => b - a)).toEqual(times)
  })

  it('records control-API edits as made by a user of the tenant (default: its first user, or ?actor=)', async () => {
    noDelay()
    const url = `${sim.graphUrl}/_sim/tenants/${CONTOSO}/partners/${PARTNER}`
    expect((await fetch(url, json('PUT', desiredPartner(PARTNER)))).status).toBe(201)
    const carl = [...sim.state.requireTenant(CONTOSO).users.values()][0]
    const other = sim.state.addUser(CONTOSO, {
      displayName: 'Olga Other',
      userPrincipalName: 'olga@contoso-manufacturing.se',
    })
    expect(
      (await fetch(`${url}?actor=olga@contoso-manufacturing.se`, json('PUT', { tenantId: PARTNER }))).status,
    ).toBe(200)
    expect((await fetch(`${url}?actor=nobody@example.com`, json('DELETE'))).status).toBe(400)
    expect((await fetch(url, json('DELETE'))).status).toBe(204)
    const r = (await g.api(AUDITS).filter(CATEGORY).get()) as { value: Audit[] }
    expect(
      r.value.map((a) => [a.activityDisplayName, a.initiatedBy.user?.userPrincipalName, a.initiatedBy.app]),
    ).toEqual([
      ['Delete partner specific cross-tenant access setting', carl?.userPrincipalName, null],
      ['Update a partner cross-tenant access setting', 'olga@contoso-manufacturing.se', null],
      ['Add a partner to cross-tenant access setting', carl?.userPrincipalName, null],
    ])
    expect(r.value[1]?.initiatedBy.user).toMatchObject({ id: other.id, displayName: 'Olga Other' })
  })

  it('records control-API edits of the default policy with the default-policy activities', async () => {
    noDelay()
    const url = `${sim.graphUrl}/_sim/tenants/${CONTOSO}/default-policy`
    sim.state.addUser(CONTOSO, {
      displayName: 'Olga Other',
      userPrincipalName: 'olga@contoso-manufacturing.se',
    })
    const patched = await fetch(
      `${url}?actor=olga@contoso-manufacturing.se`,
      json('PATCH', {
        inboundTrust: {
          isMfaAccepted: true,
          isCompliantDeviceAccepted: false,
          isHybridAzureADJoinedDeviceAccepted: false,
        },
      }),
    )
    expect(patched.status).toBe(200)
    expect(await patched.json()).toMatchObject({
      isServiceDefault: false,
      inboundTrust: { isMfaAccepted: true },
    })
    expect((await fetch(`${url}?actor=nobody@example.com`, json('PATCH', {}))).status).toBe(400)
    expect((await fetch(url, json('PATCH', { tenantId: PARTNER }))).status).toBe(400)
    expect((await fetch(`${url}/reset?actor=olga@contoso-manufacturing.se`, json('POST'))).status).toBe(200)
    const r = (await g.api(AUDITS).filter(CATEGORY).get()) as { value: Audit[] }
    expect(r.value.map((a) => [a.activityDisplayName, a.initiatedBy.user?.userPrincipalName])).toEqual([
      ['Reset the cross-tenant access default setting', 'olga@contoso-manufacturing.se'],
      ['Update the company default cross-tenant access setting', 'olga@contoso-manufacturing.se'],
    ])
    const changed = r.value[1]?.targetResources[0]?.modifiedProperties ?? []
    const trust = changed.find((p) => p.displayName === 'inboundTrust')
    expect(JSON.parse(trust?.oldValue ?? 'null')).toMatchObject({ isMfaAccepted: false })
    expect(JSON.parse(trust?.newValue ?? 'null')).toMatchObject({ isMfaAccepted: true })
  })

  it('filters by activityDisplayName and activityDateTime ranges combined with and', async () => {
    noDelay()
    await g.api(PARTNERS).post(desiredPartner(PARTNER))
    const mid = new Date().toISOString()
    await new Promise((r) => setTimeout(r, 20))
    await g.api(`${PARTNERS}/${PARTNER}`).patch({ inboundTrust: null })
    const names = async (filter: string): Promise<string[]> =>
      ((await g.api(AUDITS).filter(filter).get()) as { value: Audit[] }).value.map(
        (a) => a.activityDisplayName,
      )
    expect(await names(`${CATEGORY} and activityDateTime ge ${mid}`)).toEqual([
      'Update a partner cross-tenant access setting',
    ])
    expect(await names(`activityDateTime le ${mid} and ${CATEGORY}`)).toEqual([
      'Add a partner to cross-tenant access setting',
    ])
    expect(await names("activityDisplayName eq 'Add a partner to cross-tenant access setting'")).toEqual([
      'Add a partner to cross-tenant access setting',
    ])
    expect(await names("category eq 'UserManagement'")).toEqual([])
    const e = await graphError(g.api(AUDITS).filter("startswith(activityDisplayName, 'Add')").get())
    expect(e.statusCode).toBe(400)
  })

  it('pages with $top and an opaque @odata.nextLink that the Graph client PageIterator follows', async () => {
    noDelay()
    await g.api(PARTNERS).post({ tenantId: PARTNER })
    for (let i = 0; i < 4; i++)
      await g.api(`${PARTNERS}/${PARTNER}`).patch({ inboundTrust: { isMfaAccepted: i % 2 === 0 } })
    const first = (await g.api(AUDITS).filter(CATEGORY).top(2).get()) as PageCollection
    expect(first.value).toHaveLength(2)
    const next = String(first['@odata.nextLink'])
    expect(next).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/v1\.0\/auditLogs\/directoryAudits\?.*%24skiptoken=/)
    const all = await allPages(g, first)
    expect(all).toHaveLength(5)
    expect(new Set(all.map((a) => a.id)).size).toBe(5)
    expect(all.at(-1)?.activityDisplayName).toBe('Add a partner to cross-tenant access setting')
    expect((await graphError(g.api(`${AUDITS}?$skiptoken=not-ours`).get())).statusCode).toBe(400)
  })

  it('shows entries only after the ingestion delay (default 120 s; switchable)', async () => {
    expect(sim.state.settings.auditIngestionDelaySeconds).toBe(120)
    await g.api(PARTNERS).post({ tenantId: PARTNER })
    expect(((await g.api(AUDITS).get()) as { value: Audit[] }).value).toEqual([])
    const pending = (await (
      await fetch(`${sim.graphUrl}/_sim/tenants/${CONTOSO}/directory-audits`)
    ).json()) as {
      activityDateTime: string
      visibleAt: string
    }[]
    expect(pending).toHaveLength(1)
    expect(Date.parse(pending[0]?.visibleAt ?? '') - Date.parse(pending[0]?.activityDateTime ?? '')).toBe(
      120_000,
    )

    sim.state.requireTenant(CONTOSO).settings.auditIngestionDelaySeconds = 0.3
    await g.api(`${PARTNERS}/${PARTNER}`).patch({ inboundTrust: null })
    expect(((await g.api(AUDITS).get()) as { value: Audit[] }).value).toEqual([])
    await new Promise((r) => setTimeout(r, 350))
    expect(
      ((await g.api(AUDITS).get()) as { value: Audit[] }).value.map((a) => a.activityDisplayName),
    ).toEqual(['Update a partner cross-tenant access setting'])
  })

  it.each([[['Policy.Read.All']], [['AuditLog.Read.All']], [['Directory.Read.All']]])(
    'needs AuditLog.Read.All and Directory.Read.All (granted: %j)',
    async (roles) => {
      sim.state.grantConsent(CONTOSO, DEMO_IDS.appClientId, { roles, ageSeconds: 86_400 })
      const t = await appToken(sim, CONTOSO)
      const e = await graphError(
        graph(sim, () => t)
          .api(AUDITS)
          .get(),
      )
      expect([e.statusCode, e.code]).toEqual([403, 'Authorization_RequestDenied'])
    },
  )
})

describe('partner list paging', () => {
  it('pages the partner list with @odata.nextLink at partnersPageSize', async () => {
    const ids = [
      '11111111-1111-4111-8111-111111111111',
      '22222222-2222-4222-8222-222222222222',
      '33333333-3333-4333-8333-333333333333',
    ]
    for (const id of [PARTNER, ...ids]) await g.api(PARTNERS).post({ tenantId: id })
    expect(((await g.api(PARTNERS).get()) as PageCollection)['@odata.nextLink']).toBeUndefined()
    sim.state.requireTenant(CONTOSO).settings.partnersPageSize = 3
    const first = (await g.api(PARTNERS).select('tenantId').get()) as PageCollection
    expect(first.value).toHaveLength(3)
    expect(String(first['@odata.nextLink'])).toContain('%24select=tenantId')
    const seen: string[] = []
    await new PageIterator(g, first, (p) => {
      seen.push((p as { tenantId: string }).tenantId)
      return true
    }).iterate()
    expect(seen).toEqual([PARTNER, ...ids])
  })
})
