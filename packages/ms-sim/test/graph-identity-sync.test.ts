// Graph v1.0 conformance for a partner's identitySynchronization (and the directory audits of its edits),
// driven by the real @microsoft/microsoft-graph-client and MSAL.
import { describe, expect, it } from 'vitest'
import { CONTOSO, PARTNER, sim, g, graphError, json, PARTNERS } from './helpers.ts'
import { type Audit, AUDITS, noDelay, useAuditGraph } from './graph-audits-support.ts'

useAuditGraph()

describe('identitySynchronization of a partner', () => {
  const sync = `${PARTNERS}/${PARTNER}/identitySynchronization`

  it('creates (PUT 204), reads, updates (PATCH 204) and deletes it, and blocks deleting the partner meanwhile', async () => {
    noDelay()
    await g.api(PARTNERS).post({ tenantId: PARTNER })
    expect((await graphError(g.api(sync).get())).code).toBe('Request_ResourceNotFound')
    await g.api(sync).put({ displayName: 'Truesec Detect', userSyncInbound: { isSyncAllowed: true } })
    expect(sim.state.requests.list({ origin: 'graph' }).at(-1)?.status).toBe(204)
    expect(await g.api(sync).get()).toEqual({
      '@odata.context': `${sim.graphUrl}/v1.0/$metadata#policies/crossTenantAccessPolicy/partners('${PARTNER}')/identitySynchronization/$entity`,
      tenantId: PARTNER,
      displayName: 'Truesec Detect',
      userSyncInbound: { isSyncAllowed: true },
    })
    await g.api(sync).patch({ userSyncInbound: { isSyncAllowed: false } })
    expect(((await g.api(sync).get()) as Record<string, unknown>).displayName).toBe('Truesec Detect')

    const blocked = await graphError(g.api(`${PARTNERS}/${PARTNER}`).delete())
    expect([blocked.statusCode, blocked.code]).toEqual([400, 'Request_BadRequest'])
    sim.state.settings = {
      ...sim.state.settings,
      partnerDeleteWithIdentitySyncErrorCode: 'Request_UnsupportedQuery',
    }
    expect((await graphError(g.api(`${PARTNERS}/${PARTNER}`).delete())).code).toBe('Request_UnsupportedQuery')

    await g.api(sync).delete()
    await g.api(`${PARTNERS}/${PARTNER}`).delete()
    const r = (await g.api(AUDITS).get()) as { value: Audit[] }
    expect(r.value.map((a) => [a.category, a.activityDisplayName])).toEqual([
      ['CrossTenantAccessSettings', 'Delete partner specific cross-tenant access setting'],
      ['CrossTenantIdentitySyncSettings', 'Delete a partner cross-tenant identity sync setting'],
      ['CrossTenantIdentitySyncSettings', 'Update a partner cross-tenant identity sync setting'],
      ['CrossTenantIdentitySyncSettings', 'Create a partner cross-tenant identity sync setting'],
      ['CrossTenantAccessSettings', 'Add a partner to cross-tenant access setting'],
    ])
  })

  it('answers 404 for a missing partner and 400 for unknown properties; the control API edits it as the customer', async () => {
    expect((await graphError(g.api(sync).put({ displayName: 'x' }))).statusCode).toBe(404)
    await g.api(PARTNERS).post({ tenantId: PARTNER })
    const bad = await graphError(g.api(sync).put({ displayname: 'x' }))
    expect([bad.statusCode, bad.code, bad.message]).toEqual([
      400,
      'Request_BadRequest',
      "Invalid property 'displayname'.",
    ])
    const url = `${sim.graphUrl}/_sim/tenants/${CONTOSO}/partners/${PARTNER}/identity-synchronization`
    expect((await fetch(url, json('PUT', { userSyncInbound: { isSyncAllowed: true } }))).status).toBe(201)
    expect(((await g.api(sync).get()) as { userSyncInbound: unknown }).userSyncInbound).toEqual({
      isSyncAllowed: true,
    })
    expect((await fetch(url, json('DELETE'))).status).toBe(204)
    expect((await graphError(g.api(sync).get())).statusCode).toBe(404)
  })
})
