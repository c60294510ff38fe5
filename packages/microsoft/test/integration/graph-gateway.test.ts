// The Graph gateway (Graph SDK + our middleware) against the simulator's Graph origin over HTTPS.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  AccessLostError,
  BadRequestError,
  ConflictError,
  createGraphGateway,
  LicenceError,
  ThrottledError,
  TransientError,
  type GraphGatewayOptions,
  type RetryPolicy,
  type TokenProvider,
} from '../../src/index.ts'
import {
  addCustomer,
  CLIENT_ID,
  graphRequests,
  PARTNER_TENANT_ID,
  startFixture,
  tokenProvider,
  type Fixture,
} from '../support/sim-fixture.ts'
import { recordWireHeaders } from '../support/wire-headers.ts'
import { INSTANT_CONSISTENCY } from '@crosstrust/ms-sim'

let fx: Fixture
beforeAll(async () => {
  fx = await startFixture()
})
afterAll(async () => {
  await fx.close()
})

const fastRetry: Partial<RetryPolicy> = { maxAttempts: 4, budgetMs: 10_000, baseDelayMs: 50, maxDelayMs: 200 }

function gateway(tokens: TokenProvider = tokenProvider(fx), extra: Partial<GraphGatewayOptions> = {}) {
  return createGraphGateway({ graphUrl: fx.sim.graphUrl, tokens, retry: fastRetry, ...extra })
}

const desiredBody = {
  b2bCollaborationInbound: {
    usersAndGroups: { accessType: 'allowed', targets: [{ target: 'AllUsers', targetType: 'user' }] },
    applications: {
      accessType: 'allowed',
      targets: [{ target: 'AllApplications', targetType: 'application' }],
    },
  },
  inboundTrust: {
    isMfaAccepted: true,
    isCompliantDeviceAccepted: true,
    isHybridAzureADJoinedDeviceAccepted: false,
  },
  automaticUserConsentSettings: { inboundAllowed: false },
}

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
})

describe('graph gateway: retries', () => {
  it('honours Retry-After exactly: the simulator saw no early retry', async () => {
    const { tenantId } = addCustomer(fx)
    fx.sim.state.faults.add({ kind: 'throttle', origin: 'graph', tenantId, times: 2, retryAfterSeconds: 1 })
    const started = Date.now()
    const result = await gateway().getPartner(tenantId, PARTNER_TENANT_ID)
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000)
    expect(result.value).toBeNull()
    expect(result.attempts).toBe(3)
    const log = graphRequests(fx, tenantId)
    expect(log.map((e) => e.status)).toEqual([429, 429, 404])
    expect(log.filter((e) => e.early)).toEqual([])
  })

  it('503 then success', async () => {
    const { tenantId } = addCustomer(fx)
    fx.sim.state.faults.add({
      kind: 'error',
      origin: 'graph',
      tenantId,
      status: 503,
      times: 1,
      retryAfterSeconds: null,
    })
    const result = await gateway().getOrganization(tenantId)
    expect(result.value.id).toBe(tenantId)
    expect(result.attempts).toBe(2)
    expect(graphRequests(fx, tenantId).map((e) => e.status)).toEqual([503, 200])
  })

  it('a Retry-After longer than the budget gives up at once with ThrottledError carrying it', async () => {
    const { tenantId } = addCustomer(fx)
    fx.sim.state.faults.add({ kind: 'throttle', origin: 'graph', tenantId, retryAfterSeconds: 30 })
    const started = Date.now()
    const error = await gateway()
      .getPartner(tenantId, PARTNER_TENANT_ID)
      .catch((e: unknown) => e)
    expect(Date.now() - started).toBeLessThan(2000)
    expect(error).toBeInstanceOf(ThrottledError)
    expect((error as ThrottledError).retryAfterMs).toBe(30_000)
    expect((error as ThrottledError).requestId).toMatch(/^[0-9a-f-]{36}$/)
    expect(graphRequests(fx, tenantId)).toHaveLength(1)
  })

  it('persistent 503 exhausts the attempts ⇒ TransientError', async () => {
    const { tenantId } = addCustomer(fx)
    fx.sim.state.faults.add({ kind: 'error', origin: 'graph', tenantId, status: 503, retryAfterSeconds: 0 })
    const error = await gateway(undefined, { retry: { ...fastRetry, maxAttempts: 3 } })
      .getDefaultPolicy(tenantId)
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TransientError)
    expect((error as TransientError).status).toBe(503)
    expect(graphRequests(fx, tenantId)).toHaveLength(3)
  })

  it('persistent 429 with a small budget ⇒ ThrottledError', async () => {
    const { tenantId } = addCustomer(fx)
    fx.sim.state.faults.add({ kind: 'throttle', origin: 'graph', tenantId, retryAfterSeconds: 1 })
    const error = await gateway(undefined, { retry: { ...fastRetry, budgetMs: 2500 } })
      .getPartner(tenantId, PARTNER_TENANT_ID)
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ThrottledError)
    const log = graphRequests(fx, tenantId)
    expect(log.length).toBe(3)
    expect(log.filter((e) => e.early)).toEqual([])
  })

  it('connection resets are retried, and exhausted resets are transient', async () => {
    const { tenantId } = addCustomer(fx)
    const g = gateway()
    fx.sim.state.faults.add({ kind: 'reset', origin: 'graph', tenantId, times: 1 })
    expect((await g.getPartner(tenantId, PARTNER_TENANT_ID)).attempts).toBe(2)
    fx.sim.state.faults.add({ kind: 'reset', origin: 'graph', tenantId })
    const error = await g.getPartner(tenantId, PARTNER_TENANT_ID).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TransientError)
    fx.sim.state.faults.clear(tenantId)
  })

  it('a hung request times out per attempt and is retried', async () => {
    const { tenantId } = addCustomer(fx)
    fx.sim.state.faults.add({ kind: 'latency', origin: 'graph', tenantId, times: 1, latencyMs: 2000 })
    const result = await gateway(undefined, { retry: { ...fastRetry, timeoutMs: 400 } }).getPartner(
      tenantId,
      PARTNER_TENANT_ID,
    )
    expect(result.attempts).toBe(2)
  })
})

describe('graph gateway: tenant facts', () => {
  it('organization: id, name and verified domains', async () => {
    const { tenantId, domain } = addCustomer(fx)
    const org = await gateway().getOrganization(tenantId)
    expect(org.value.id).toBe(tenantId)
    expect(org.value.displayName).toBe(`Customer ${tenantId.slice(0, 8)}`)
    expect(org.value.verifiedDomains).toContainEqual({ name: domain, isDefault: true, isInitial: false })
    expect(org.value.verifiedDomains.some((d) => d.isInitial)).toBe(true)
  })

  it.each([
    ['none', 'none'],
    ['P1', 'p1'],
    ['P2', 'p2'],
  ] as const)('licence %s ⇒ %s', async (licence, level) => {
    const { tenantId } = addCustomer(fx, { licence })
    expect((await gateway().listSubscribedSkus(tenantId)).value.level).toBe(level)
  })

  it('default cross-tenant policy', async () => {
    const { tenantId } = addCustomer(fx)
    const policy = await gateway().getDefaultPolicy(tenantId)
    expect(policy.value).toHaveProperty('b2bCollaborationInbound')
  })
})

describe('graph gateway: headers on the wire', () => {
  it('sends the tenant token as Bearer, a stable client-request-id, and x-ms-throttle-priority only for low priority', async () => {
    const { tenantId } = addCustomer(fx)
    const tokens = tokenProvider(fx)
    const g = gateway(tokens)
    const wire = recordWireHeaders()
    try {
      fx.sim.state.faults.add({
        kind: 'error',
        origin: 'graph',
        tenantId,
        status: 503,
        times: 1,
        retryAfterSeconds: 0,
      })
      const low = await g.getPartner(tenantId, PARTNER_TENANT_ID, { priority: 'low' })
      const normal = await g.getPartner(tenantId, PARTNER_TENANT_ID)
      const token = await tokens.getToken(tenantId)
      const graphHost = new URL(fx.sim.graphUrl).origin
      const sent = wire.requests.filter((r) => r.origin === graphHost && r.path.includes('/partners/'))
      expect(sent).toHaveLength(3) // 503 + retry, then the normal call
      for (const r of sent) expect(r.headers.get('authorization')).toBe(`Bearer ${token.accessToken}`)
      expect(sent.map((r) => r.headers.get('x-ms-throttle-priority'))).toEqual(['low', 'low', undefined])
      expect(sent.map((r) => r.headers.get('client-request-id'))).toEqual([
        low.clientRequestId,
        low.clientRequestId,
        normal.clientRequestId,
      ])
      expect(sent[1]?.headers.get('retry-attempt')).toBe('1')
    } finally {
      wire.stop()
    }
  })
})
