// The Graph gateway (Graph SDK + our middleware) against the simulator's Graph origin over HTTPS: retries
// (Retry-After, 503, budgets, resets, hung requests), tenant facts and the headers on the wire.
import { describe, expect, it } from 'vitest'
import { ThrottledError, TransientError } from '../../src/index.ts'
import {
  fx,
  useFixture,
  addCustomer,
  graphRequests,
  PARTNER_TENANT_ID,
  tokenProvider,
} from '../support/sim-fixture.ts'
import { recordWireHeaders } from '../support/wire-headers.ts'
import { fastRetry, gateway } from '../support/graph-gateway.ts'

useFixture()

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
