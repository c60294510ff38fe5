// Graph v1.0 conformance, driven by the real @microsoft/microsoft-graph-client: tenant behaviour (read lag,
// licences, drift through the control API, default policy, organization and subscribedSkus) and request
// handling ($select, tenant lookup by domain, unknown paths, malformed bodies).
import { describe, expect, it } from 'vitest'
import {
  appToken,
  CONTOSO,
  desiredPartner,
  DEMO_IDS,
  FABRIKAM,
  graph,
  NORTHWIND,
  PARTNER,
  sim,
  g,
  token,
  graphError,
  PARTNERS,
  useContosoGraph,
  instantSeedWithContoso,
} from './helpers.ts'

// Single-request semantics are checked here; read lag and 404 after a create have write-lag.test.ts.
useContosoGraph(instantSeedWithContoso)

describe('tenant behaviour', () => {
  it('lags reads behind writes when readLagSeconds is set', async () => {
    sim.state.requireTenant(CONTOSO).settings.readLagSeconds = 1
    await g.api(PARTNERS).post(desiredPartner(PARTNER))
    expect((await graphError(g.api(`${PARTNERS}/${PARTNER}`).get())).statusCode).toBe(404)
    await new Promise((r) => setTimeout(r, 1050))
    expect(((await g.api(`${PARTNERS}/${PARTNER}`).get()) as { tenantId: string }).tenantId).toBe(PARTNER)
  })

  it('accepts inboundTrust from an unlicensed tenant by default and rejects it when switched', async () => {
    sim.state.grantConsent(FABRIKAM, DEMO_IDS.appClientId, { ageSeconds: 3600 })
    const ft = await appToken(sim, FABRIKAM)
    const fg = graph(sim, () => ft)
    await fg.api(PARTNERS).post(desiredPartner(PARTNER))
    await fg.api(`${PARTNERS}/${PARTNER}`).delete()
    sim.state.requireTenant(FABRIKAM).settings.unlicensedInboundTrust = 'reject-403'
    expect((await graphError(fg.api(PARTNERS).post(desiredPartner(PARTNER)))).statusCode).toBe(403)
  })

  it('lets the tenant admin change and delete the partner entry through the control API (drift)', async () => {
    await g.api(PARTNERS).post(desiredPartner(PARTNER))
    const url = `${sim.graphUrl}/_sim/tenants/${CONTOSO}/partners/${PARTNER}`
    const stored = (await (await fetch(url)).json()) as Record<string, unknown>
    const put = await fetch(url, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        ...stored,
        inboundTrust: {
          isMfaAccepted: false,
          isCompliantDeviceAccepted: false,
          isHybridAzureADJoinedDeviceAccepted: false,
        },
      }),
    })
    expect(put.status).toBe(200)
    const seen = (await g.api(`${PARTNERS}/${PARTNER}`).get()) as { inboundTrust: { isMfaAccepted: boolean } }
    expect(seen.inboundTrust.isMfaAccepted).toBe(false)
    expect((await fetch(url, { method: 'DELETE' })).status).toBe(204)
    expect((await fetch(url)).status).toBe(404)
    expect((await graphError(g.api(`${PARTNERS}/${PARTNER}`).get())).statusCode).toBe(404)
  })

  it('serves a seeded pre-existing partner entry (Northwind)', async () => {
    sim.state.grantConsent(NORTHWIND, DEMO_IDS.appClientId, { ageSeconds: 3600 })
    const nt = await appToken(sim, NORTHWIND)
    const p = (await graph(sim, () => nt)
      .api(`${PARTNERS}/${PARTNER}`)
      .get()) as Record<string, unknown>
    expect(p.automaticUserConsentSettings).toEqual({ inboundAllowed: true, outboundAllowed: null })
  })

  it('gets and updates the default policy', async () => {
    const d = (await g.api('/policies/crossTenantAccessPolicy/default').get()) as Record<string, unknown>
    expect(d.isServiceDefault).toBe(true)
    expect(d.b2bCollaborationInbound).toMatchObject({ usersAndGroups: { accessType: 'allowed' } })
    await g.api('/policies/crossTenantAccessPolicy/default').patch({
      inboundTrust: {
        isMfaAccepted: true,
        isCompliantDeviceAccepted: false,
        isHybridAzureADJoinedDeviceAccepted: false,
      },
    })
    const d2 = (await g.api('/policies/crossTenantAccessPolicy/default').get()) as Record<string, unknown>
    expect(d2.isServiceDefault).toBe(false)
    expect(d2.inboundTrust).toMatchObject({ isMfaAccepted: true })
  })

  it('serves /organization with verified domains and /subscribedSkus with the Entra ID SKU', async () => {
    const org = (await g.api('/organization').get()) as {
      value: { id: string; displayName: string; verifiedDomains: { name: string; isDefault: boolean }[] }[]
    }
    expect(org.value[0]?.id).toBe(CONTOSO)
    expect(org.value[0]?.displayName).toBe('Contoso Manufacturing AB')
    expect(org.value[0]?.verifiedDomains.find((d) => d.isDefault)?.name).toBe('contoso-manufacturing.se')
    const skus = (await g.api('/subscribedSkus').get()) as { value: { skuPartNumber: string }[] }
    expect(skus.value.map((s) => s.skuPartNumber)).toContain('AAD_PREMIUM_P2')
    sim.state.setLicence(CONTOSO, 'P1')
    const p1 = (await g.api('/subscribedSkus').get()) as { value: { skuPartNumber: string }[] }
    expect(p1.value.map((s) => s.skuPartNumber)).toContain('AAD_PREMIUM')
    sim.state.setLicence(CONTOSO, 'none')
    const none = (await g.api('/subscribedSkus').get()) as { value: { skuPartNumber: string }[] }
    expect(none.value.map((s) => s.skuPartNumber).filter((s) => s.startsWith('AAD_PREMIUM'))).toEqual([])
  })
})

describe('request handling', () => {
  it('honours $select and serves findTenantInformationByDomainName with CrossTenantInformation.ReadBasic.All', async () => {
    await g.api(PARTNERS).post(desiredPartner(PARTNER))
    const sel = (await g.api(`${PARTNERS}/${PARTNER}`).select('inboundTrust').get()) as Record<
      string,
      unknown
    >
    expect(Object.keys(sel).sort()).toEqual(['@odata.context', 'inboundTrust', 'tenantId'])
    expect(
      (
        await graphError(
          g
            .api("/tenantRelationships/findTenantInformationByDomainName(domainName='truesecdetect.io')")
            .get(),
        )
      ).statusCode,
    ).toBe(403)
    sim.state.grantConsent(CONTOSO, DEMO_IDS.appClientId, {
      roles: ['CrossTenantInformation.ReadBasic.All'],
      ageSeconds: 3600,
    })
    const t2 = await appToken(sim, CONTOSO)
    const info = (await graph(sim, () => t2)
      .api("/tenantRelationships/findTenantInformationByDomainName(domainName='truesecdetect.io')")
      .get()) as Record<string, unknown>
    expect(info).toMatchObject({
      tenantId: PARTNER,
      displayName: 'Truesec Detect AB',
      defaultDomainName: 'truesecdetect.onmicrosoft.com',
    })
  })

  it('answers an unknown path and a malformed JSON body with 400 in the Graph envelope', async () => {
    const unknown = await graphError(g.api('/policies/crossTenantAccessPolicy/nope').get())
    expect(unknown.statusCode).toBe(400)
    expect(unknown.code).toBe('BadRequest')
    const r = await fetch(`${sim.graphUrl}/v1.0${PARTNERS}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{"tenantId": ',
    })
    expect(r.status).toBe(400)
    const body = (await r.json()) as { error: { code: string; innerError: { 'request-id': string } } }
    expect(body.error.code).toBe('BadRequest')
    expect(body.error.innerError['request-id']).toBe(r.headers.get('request-id'))
  })
})
