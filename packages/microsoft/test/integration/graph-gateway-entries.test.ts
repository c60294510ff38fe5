// The Graph gateway (Graph SDK + our middleware) against the simulator's Graph origin over HTTPS: partner
// entries (create, read, update, delete), Graph errors classified, tokens without roles or revoked.
import { describe, expect, it } from 'vitest'
import { AccessLostError, BadRequestError, ConflictError, LicenceError } from '../../src/index.ts'
import {
  fx,
  useFixture,
  addCustomer,
  CLIENT_ID,
  graphRequests,
  tokenPosts,
  PARTNER_TENANT_ID,
  tokenProvider,
} from '../support/sim-fixture.ts'
import { INSTANT_CONSISTENCY } from '@crosstrust/ms-sim'
import { desiredBody, gateway } from '../support/graph-gateway.ts'

useFixture()

describe('graph gateway: partner entries', () => {
  it('404 ⇒ null, then create, read, update, delete; the bearer token really arrives', async () => {
    // What each single request answers; the eventual consistency between them has write-lag.test.ts.
    const { tenantId } = addCustomer(fx, { settings: { ...INSTANT_CONSISTENCY } })
    const g = gateway()
    const missing = await g.getPartner(tenantId, PARTNER_TENANT_ID)
    expect(missing.value).toBeNull()
    expect(missing.requestId).toMatch(/^[0-9a-f-]{36}$/)

    const created = await g.createPartner(tenantId, { tenantId: PARTNER_TENANT_ID, ...desiredBody })
    expect(created.value.tenantId).toBe(PARTNER_TENANT_ID)
    expect(created.requestId).toMatch(/^[0-9a-f-]{36}$/)

    const read = await g.getPartner(tenantId, PARTNER_TENANT_ID)
    expect(read.value).toMatchObject({
      tenantId: PARTNER_TENANT_ID,
      ...desiredBody,
      tenantRestrictions: null,
    })

    const patched = await g.updatePartner(tenantId, PARTNER_TENANT_ID, {
      inboundTrust: { ...desiredBody.inboundTrust, isHybridAzureADJoinedDeviceAccepted: true },
    })
    expect(patched.value).toBeNull()
    const after = await g.getPartner(tenantId, PARTNER_TENANT_ID)
    expect(after.value?.['inboundTrust']).toMatchObject({ isHybridAzureADJoinedDeviceAccepted: true })

    expect((await g.deletePartner(tenantId, PARTNER_TENANT_ID)).value).toBe('deleted')
    expect((await g.deletePartner(tenantId, PARTNER_TENANT_ID)).value).toBe('absent')

    // The simulator answers 401 without a valid bearer token for this very tenant: all of these were 2xx/404.
    const statuses = graphRequests(fx, tenantId).map((e) => e.status)
    expect(statuses).toEqual([404, 201, 200, 204, 200, 204, 404])
  })

  it('POST of an existing entry is a conflict (Request_MultipleObjectsWithSameKeyValue)', async () => {
    const { tenantId } = addCustomer(fx, { partners: [{ tenantId: PARTNER_TENANT_ID }] })
    const error = await gateway()
      .createPartner(tenantId, { tenantId: PARTNER_TENANT_ID, ...desiredBody })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConflictError)
    expect((error as ConflictError).code).toBe('Request_MultipleObjectsWithSameKeyValue')
    expect((error as ConflictError).requestId).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('a miscased property is a bad request with Graph code and message kept', async () => {
    const { tenantId } = addCustomer(fx)
    const error = await gateway()
      .createPartner(tenantId, {
        tenantId: PARTNER_TENANT_ID,
        b2BCollaborationInbound: desiredBody.b2bCollaborationInbound,
      })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(BadRequestError)
    expect((error as BadRequestError).status).toBe(400)
    expect((error as BadRequestError).code).toBe('Request_BadRequest')
    expect((error as BadRequestError).microsoftMessage).toContain('b2BCollaborationInbound')
  })

  it.each(['reject-400', 'reject-403'] as const)(
    'an unlicensed tenant writing inboundTrust (%s) is a licence error',
    async (mode) => {
      const { tenantId } = addCustomer(fx, { licence: 'none', settings: { unlicensedInboundTrust: mode } })
      const error = await gateway()
        .createPartner(tenantId, { tenantId: PARTNER_TENANT_ID, ...desiredBody })
        .catch((e: unknown) => e)
      expect(error).toBeInstanceOf(LicenceError)
      expect((error as LicenceError).microsoftMessage).toMatch(/P1/)
    },
  )

  it('a token without the write role gets 403 Authorization_RequestDenied ⇒ access lost (forbidden)', async () => {
    const { tenantId } = addCustomer(fx, { consent: { roles: ['Policy.Read.All'] } })
    const g = gateway(tokenProvider(fx, { requiredRoles: ['Policy.Read.All'] }))
    expect((await g.getPartner(tenantId, PARTNER_TENANT_ID)).value).toBeNull()
    const error = await g
      .createPartner(tenantId, { tenantId: PARTNER_TENANT_ID, ...desiredBody })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AccessLostError)
    expect((error as AccessLostError).reason).toBe('forbidden')
    expect((error as AccessLostError).code).toBe('Authorization_RequestDenied')
  })

  it('logs failures with Graph request ids and never the token', async () => {
    const { tenantId } = addCustomer(fx, { consent: { roles: ['Policy.Read.All'] } })
    const lines: string[] = []
    const record = (obj: object, msg?: string): void => {
      lines.push(JSON.stringify({ ...obj, msg }))
    }
    const tokens = tokenProvider(fx, { requiredRoles: ['Policy.Read.All'], credential: fx.secret })
    const g = gateway(tokens, { logger: { debug: record, info: record, warn: record, error: record } })
    const error = await g
      .createPartner(tenantId, { tenantId: PARTNER_TENANT_ID, ...desiredBody })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AccessLostError)
    const token = await tokens.getToken(tenantId)
    const failure = lines.find((l) => l.includes('graph request failed'))
    expect(failure).toContain((error as AccessLostError).requestId)
    expect(failure).toContain((error as AccessLostError).clientRequestId)
    for (const line of lines) {
      expect(line).not.toContain(token.accessToken)
      expect(line).not.toContain('sim-secret')
    }
  })

  it('consent revoked after the token was cached (revocation immediate): Graph 401 ⇒ access lost, token dropped', async () => {
    const { tenantId } = addCustomer(fx, { settings: { revocationEffect: 'immediate' } })
    const tokens = tokenProvider(fx)
    const g = gateway(tokens)
    await g.getPartner(tenantId, PARTNER_TENANT_ID)
    fx.sim.state.revokeConsent(tenantId, CLIENT_ID)
    const error = await g.getPartner(tenantId, PARTNER_TENANT_ID).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AccessLostError)
    expect((error as AccessLostError).reason).toBe('unauthorized')
    expect(tokens.stats().cachedTokens).toBe(0)
    // The next attempt asks the token endpoint, which now says the service principal is missing.
    const next = await g.getPartner(tenantId, PARTNER_TENANT_ID).catch((e: unknown) => e)
    expect(next).toBeInstanceOf(AccessLostError)
    expect((next as AccessLostError).aadstsCodes).toEqual([7000229])
  })

  it('a token still missing roles fails before calling Graph, marked consentPending', async () => {
    const { tenantId } = addCustomer(fx, {
      consent: { ageSeconds: 0 },
      settings: { consentMissingSeconds: 0, consentNoRolesSeconds: 600 },
    })
    const error = await gateway()
      .getPartner(tenantId, PARTNER_TENANT_ID)
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AccessLostError)
    expect((error as AccessLostError).reason).toBe('missing_roles')
    expect((error as AccessLostError).consentPending).toBe(true)
    expect(graphRequests(fx, tenantId)).toHaveLength(0)
  })

  it('grantedRoles refuses a token missing a required role the same way (a check then asks no second token)', async () => {
    const { tenantId } = addCustomer(fx, {
      consent: { ageSeconds: 0 },
      settings: { consentMissingSeconds: 0, consentNoRolesSeconds: 600 },
    })
    const error = await gateway()
      .grantedRoles(tenantId)
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AccessLostError)
    expect(error).toMatchObject({ reason: 'missing_roles', consentPending: true })
    expect(tokenPosts(fx, tenantId)).toBe(1)
  })
})
