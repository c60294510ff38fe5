// Graph v1.0 conformance, driven by the real @microsoft/microsoft-graph-client: partner CRUD with
// Microsoft's status and error codes, and authorization failures (tokens, roles, revoked consent).
import { describe, expect, it } from 'vitest'
import {
  appToken,
  CONTOSO,
  desiredPartner,
  DEMO_IDS,
  graph,
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
