// Graph v1.0 conformance, driven by the real @microsoft/microsoft-graph-client: partner CRUD with
// Microsoft's status and error codes, auth failures, faults (429/503/504/reset/latency/bucket), read lag,
// consent revocation, licences, default policy, organization and subscribedSkus.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { GraphError, RetryHandlerOptions } from '@microsoft/microsoft-graph-client'
import type { Client } from '@microsoft/microsoft-graph-client'
import { INSTANT_CONSISTENCY, type RunningSimulator } from '../src/index.ts'
import {
  appToken,
  CONTOSO,
  desiredPartner,
  DEMO_IDS,
  FABRIKAM,
  graph,
  NORTHWIND,
  PARTNER,
  startTestSim,
  testSeedWithContoso,
} from './helpers.ts'

const PARTNERS = '/policies/crossTenantAccessPolicy/partners'
const noRetry = [new RetryHandlerOptions(0, 0)]

let sim: RunningSimulator
let token: string
let g: Client
beforeAll(async () => {
  sim = await startTestSim()
})
afterAll(async () => {
  await sim.close()
})
beforeEach(async () => {
  // Single-request semantics are checked here; read lag and 404 after a create have write-lag.test.ts.
  sim.state.reset({ ...(await testSeedWithContoso()), settings: { ...INSTANT_CONSISTENCY } })
  token = await appToken(sim, CONTOSO)
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

describe('partners CRUD', () => {
  it('creates (201), reads (200), updates (204, top-level merge), lists and deletes (204) a partner entry', async () => {
    const created = (await g.api(PARTNERS).post(desiredPartner(PARTNER))) as Record<string, unknown>
    expect(created.tenantId).toBe(PARTNER)
    expect(created.inboundTrust).toEqual({
      isMfaAccepted: true,
      isCompliantDeviceAccepted: true,
      isHybridAzureADJoinedDeviceAccepted: false,
    })
    const log = sim.state.requests.list({ origin: 'graph' })
    expect(log.at(-1)?.status).toBe(201)

    const got = (await g.api(`${PARTNERS}/${PARTNER}`).get()) as Record<string, unknown>
    expect(got['@odata.context']).toMatch(/\$metadata#policies\/crossTenantAccessPolicy\/partners\/\$entity$/)
    expect(got.b2bCollaborationOutbound).toBeNull()
    expect(got.tenantRestrictions).toBeNull()
    expect(got.automaticUserConsentSettings).toEqual({ inboundAllowed: false, outboundAllowed: null })
    expect(got.isInMultiTenantOrganization).toBe(false)
    expect(got).toHaveProperty('crossCloudMeetingConfiguration')

    await g.api(`${PARTNERS}/${PARTNER}`).patch({
      inboundTrust: {
        isMfaAccepted: false,
        isCompliantDeviceAccepted: true,
        isHybridAzureADJoinedDeviceAccepted: true,
      },
    })
    const after = (await g.api(`${PARTNERS}/${PARTNER}`).get()) as Record<string, unknown>
    expect(after.inboundTrust).toEqual({
      isMfaAccepted: false,
      isCompliantDeviceAccepted: true,
      isHybridAzureADJoinedDeviceAccepted: true,
    })
    expect(after.b2bCollaborationInbound).toEqual(desiredPartner(PARTNER).b2bCollaborationInbound)
    expect(sim.state.requests.list({ origin: 'graph' }).at(-2)?.status).toBe(204)

    const list = (await g.api(PARTNERS).get()) as { value: { tenantId: string }[] }
    expect(list.value.map((p) => p.tenantId)).toEqual([PARTNER])

    await g.api(`${PARTNERS}/${PARTNER}`).delete()
    expect(sim.state.requests.list({ origin: 'graph' }).at(-1)?.status).toBe(204)
    expect((await graphError(g.api(`${PARTNERS}/${PARTNER}`).get())).statusCode).toBe(404)
  })

  it('nested objects in PATCH replace the stored object: members not sent become null', async () => {
    await g.api(PARTNERS).post(desiredPartner(PARTNER))
    await g.api(`${PARTNERS}/${PARTNER}`).patch({ inboundTrust: { isMfaAccepted: true } })
    const after = (await g.api(`${PARTNERS}/${PARTNER}`).get()) as Record<string, unknown>
    expect(after.inboundTrust).toEqual({
      isMfaAccepted: true,
      isCompliantDeviceAccepted: null,
      isHybridAzureADJoinedDeviceAccepted: null,
    })
  })

  it('answers GET/PATCH/DELETE of a missing partner with 404 Request_ResourceNotFound and the Graph envelope', async () => {
    for (const call of [
      () => g.api(`${PARTNERS}/${PARTNER}`).get(),
      () => g.api(`${PARTNERS}/${PARTNER}`).patch({ inboundTrust: null }),
      () => g.api(`${PARTNERS}/${PARTNER}`).delete(),
    ]) {
      const e = await graphError(call())
      expect(e.statusCode).toBe(404)
      expect(e.code).toBe('Request_ResourceNotFound')
      expect(e.requestId).toMatch(/^[0-9a-f-]{36}$/)
      expect(e.headers?.get('request-id')).toBe(e.requestId)
      // The Graph client's own per-request UUID, echoed back.
      expect(e.headers?.get('client-request-id')).toMatch(/^[0-9a-f-]{36}$/)
    }
  })

  it('answers a duplicate POST with 409 Request_MultipleObjectsWithSameKeyValue', async () => {
    await g.api(PARTNERS).post({ tenantId: PARTNER })
    const e = await graphError(g.api(PARTNERS).post({ tenantId: PARTNER }))
    expect(e.statusCode).toBe(409)
    expect(e.code).toBe('Request_MultipleObjectsWithSameKeyValue')
  })

  it('answers unknown or miscased properties with 400 Request_BadRequest "Invalid property"', async () => {
    const e = await graphError(g.api(PARTNERS).post({ tenantId: PARTNER, b2BCollaborationInbound: null }))
    expect(e.statusCode).toBe(400)
    expect(e.code).toBe('Request_BadRequest')
    expect(e.message).toBe("Invalid property 'b2BCollaborationInbound'.")
    await g.api(PARTNERS).post({ tenantId: PARTNER })
    const nested = await graphError(
      g.api(`${PARTNERS}/${PARTNER}`).patch({ inboundTrust: { isMFAAccepted: true } }),
    )
    expect(nested.statusCode).toBe(400)
    expect(nested.message).toBe("Invalid property 'isMFAAccepted'.")
  })

  it('answers isServiceProvider with an app-only token with 403', async () => {
    const e = await graphError(g.api(PARTNERS).post({ tenantId: PARTNER, isServiceProvider: true }))
    expect(e.statusCode).toBe(403)
    expect(e.code).toBe('Authorization_RequestDenied')
  })

  it('echoes client-request-id and accepts x-ms-throttle-priority', async () => {
    const res = (await g
      .api(PARTNERS)
      .header('client-request-id', '0f0e0d0c-0b0a-4909-8807-060504030201')
      .header('x-ms-throttle-priority', 'low')
      .responseType('raw' as never)
      .get()) as Response
    expect(res.status).toBe(200)
    expect(res.headers.get('client-request-id')).toBe('0f0e0d0c-0b0a-4909-8807-060504030201')
    expect(res.headers.get('request-id')).toMatch(/^[0-9a-f-]{36}$/)
  })
})

describe('authorization', () => {
  it('answers a missing, malformed, badly signed or expired token with 401 InvalidAuthenticationToken', async () => {
    const raw = await fetch(`${sim.graphUrl}/v1.0${PARTNERS}`)
    expect(raw.status).toBe(401)
    const body = (await raw.json()) as { error: { code: string; innerError: Record<string, string> } }
    expect(body.error.code).toBe('InvalidAuthenticationToken')
    expect(Object.keys(body.error.innerError).sort()).toEqual(['client-request-id', 'date', 'request-id'])

    const [h, p] = token.split('.')
    const forged = `${h ?? ''}.${p ?? ''}.${Buffer.from('nope').toString('base64url')}`
    const expired = (await (
      await fetch(`${sim.loginUrl}/_sim/tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ tenantId: CONTOSO, clientId: DEMO_IDS.appClientId, lifetimeSeconds: -10 }),
      })
    ).json()) as { access_token: string }
    for (const bad of ['garbage', forged, expired.access_token]) {
      const e = await graphError(
        graph(sim, () => bad)
          .api(PARTNERS)
          .get(),
      )
      expect(e.statusCode).toBe(401)
      expect(e.code).toBe('InvalidAuthenticationToken')
    }
  })

  it('answers a token without the needed role with 403 Authorization_RequestDenied', async () => {
    sim.state.removeRoles(CONTOSO, DEMO_IDS.appClientId, ['Policy.ReadWrite.CrossTenantAccess'])
    const t2 = await appToken(sim, CONTOSO)
    const e = await graphError(
      graph(sim, () => t2)
        .api(PARTNERS)
        .get(),
    )
    expect(e.statusCode).toBe(403)
    expect(e.code).toBe('Authorization_RequestDenied')
    expect(e.message).toBe('Insufficient privileges to complete the operation.')
  })

  it('revocationEffect immediate: revoked consent (service principal deleted) is 401 and removed roles 403 for live tokens', async () => {
    sim.state.settings.revocationEffect = 'immediate'
    sim.state.removeRoles(CONTOSO, DEMO_IDS.appClientId)
    expect((await graphError(g.api(PARTNERS).get())).statusCode).toBe(403)
    const res = await fetch(
      `${sim.graphUrl}/_sim/tenants/${CONTOSO}/consents/${DEMO_IDS.appClientId}/revoke`,
      { method: 'POST' },
    )
    expect(res.status).toBe(204)
    expect((await graphError(g.api(PARTNERS).get())).statusCode).toBe(401)
    sim.state.settings.revocationEffect = 'token-expiry'
    expect(((await g.api(PARTNERS).get()) as { value: unknown[] }).value).toEqual([])
  })

  it('answers a token for a tenant that no longer exists with 401', async () => {
    sim.state.deleteTenant(CONTOSO)
    expect((await graphError(g.api(PARTNERS).get())).statusCode).toBe(401)
  })
})

describe('faults', () => {
  it('answers 429 with Retry-After and throttle headers, and flags a retry that came too early', async () => {
    sim.state.faults.add({
      kind: 'throttle',
      origin: 'graph',
      tenantId: CONTOSO,
      retryAfterSeconds: 30,
      times: 1,
    })
    const e = await graphError(g.api(PARTNERS).middlewareOptions(noRetry).get())
    expect(e.statusCode).toBe(429)
    expect(e.code).toBe('TooManyRequests')
    expect(e.headers?.get('retry-after')).toBe('30')
    expect(e.headers?.get('x-ms-throttle-scope')).toBe(
      `Tenant_Application/ReadWrite/${DEMO_IDS.appClientId}/${CONTOSO}`,
    )
    await g.api(PARTNERS).get()
    const res = await fetch(`${sim.graphUrl}/_sim/requests?tenant=${CONTOSO}`)
    const log = (await res.json()) as {
      status: number
      early: boolean
      method: string
      path: string
      time: string
      tenant: string
    }[]
    const graphEntries = log.filter((x) => x.path.startsWith('/v1.0'))
    expect(graphEntries.map((x) => [x.status, x.early])).toEqual([
      [429, false],
      [200, true],
    ])
    expect(graphEntries[0]).toMatchObject({ method: 'GET', tenant: CONTOSO })
  })

  it('lets the Graph client RetryHandler recover from 429/503/504 with Retry-After: 0', async () => {
    sim.state.faults.add({ kind: 'error', status: 503, origin: 'graph', retryAfterSeconds: 0, times: 1 })
    sim.state.faults.add({ kind: 'throttle', origin: 'graph', retryAfterSeconds: 0, times: 1 })
    const r = (await g.api(PARTNERS).get()) as { value: unknown[] }
    expect(r.value).toEqual([])
    expect(sim.state.requests.list({ origin: 'graph' }).map((x) => x.status)).toEqual([503, 429, 200])
  })

  it('answers 503 and 504 with the Graph envelope', async () => {
    sim.state.faults.add({ kind: 'error', status: 503, origin: 'graph', retryAfterSeconds: 5, times: 1 })
    const e503 = await graphError(g.api(PARTNERS).middlewareOptions(noRetry).get())
    expect(e503.statusCode).toBe(503)
    expect(e503.headers?.get('retry-after')).toBe('5')
    sim.state.faults.add({ kind: 'error', status: 504, origin: 'graph', times: 1 })
    const e504 = await graphError(g.api(PARTNERS).middlewareOptions(noRetry).get())
    expect(e504.statusCode).toBe(504)
  })

  it('resets the connection', async () => {
    sim.state.faults.add({ kind: 'reset', origin: 'graph', times: 1 })
    await expect(
      fetch(`${sim.graphUrl}/v1.0${PARTNERS}`, { headers: { authorization: `Bearer ${token}` } }),
    ).rejects.toThrow('fetch failed')
    expect(sim.state.requests.list({ origin: 'graph' }).at(-1)).toMatchObject({ status: 0, fault: 'reset' })
  })

  it('adds fixed and random latency', async () => {
    sim.state.faults.add({ kind: 'latency', origin: 'graph', latencyMs: 150, latencyMaxMs: 200 })
    const t0 = performance.now()
    await g.api(PARTNERS).get()
    expect(performance.now() - t0).toBeGreaterThanOrEqual(145)
  })

  it('throttles per app+tenant with a token bucket', async () => {
    sim.state.faults.add({ kind: 'bucket', origin: 'graph', capacity: 3, refillPerSecond: 0.5 })
    const statuses: number[] = []
    for (let i = 0; i < 5; i++) {
      const r = await fetch(`${sim.graphUrl}/v1.0${PARTNERS}`, {
        headers: { authorization: `Bearer ${token}` },
      })
      statuses.push(r.status)
      if (r.status === 429) expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429])
    const other = await appToken(sim, PARTNER)
    const r = await fetch(`${sim.graphUrl}/v1.0${PARTNERS}`, {
      headers: { authorization: `Bearer ${other}` },
    })
    expect(r.status).toBe(200)
  })
})

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
