// readTenantState against the simulator: a check's Graph reads of one tenant in one JSON batch, each read
// settled on its own as its single-request method would have answered it, per-request retries after their
// Retry-After, the envelope's own failures, and Conditional Access pages beyond the batch's first.
import { describe, expect, it, vi } from 'vitest'
import type { RequestLogEntry } from '@crosstrust/ms-sim'
import {
  AccessLostError,
  type MicrosoftError,
  ThrottledError,
  TransientError,
  type Settled,
  type TenantStateRequest,
} from '../../src/index.ts'
import { silentLogger } from '../../src/logger.ts'
import {
  addCustomer,
  APP_ROLES,
  CLIENT_ID,
  fx,
  PARTNER_TENANT_ID,
  tokenPosts,
  tokenProvider,
  useFixture,
  type CustomerOptions,
} from '../support/sim-fixture.ts'
import { desiredBody, fastRetry, gateway } from '../support/graph-gateway.ts'
import { recordWireHeaders } from '../support/wire-headers.ts'

useFixture()

const EVERYTHING: TenantStateRequest = {
  partnerTenantId: PARTNER_TENANT_ID,
  trustInputs: true,
  defaultPolicy: true,
}

const policies = (n: number): CustomerOptions['conditionalAccessPolicies'] =>
  Array.from({ length: n }, (_, i) => ({
    displayName: `Policy ${String(i)}`,
    state: 'enabled',
    conditions: { users: { includeUsers: ['All'] }, applications: { includeApplications: ['All'] } },
    grantControls: { operator: 'OR', builtInControls: ['mfa'] },
  }))

/** A customer with our partner entry, Policy.Read.All granted and `n` Conditional Access policies. */
function customer(opts: CustomerOptions & { policyCount?: number } = {}): string {
  const { policyCount = 3, ...rest } = opts
  return addCustomer(fx, {
    partners: [{ tenantId: PARTNER_TENANT_ID, ...desiredBody }],
    consent: { roles: [...APP_ROLES, 'Policy.Read.All'] },
    conditionalAccessPolicies: policies(policyCount),
    ...rest,
  }).tenantId
}

/**
 * The tenant's Graph log once `envelopes` batches are in it: the simulator logs a request when its response
 * has been flushed, which can come just after the client has read the answer.
 */
async function graphLog(tenantId: string, envelopes: number): Promise<RequestLogEntry[]> {
  const log = () => fx.sim.state.requests.list({ tenant: tenantId, origin: 'graph' })
  await vi.waitFor(() => {
    expect(log().filter((e) => e.path === '/v1.0/$batch')).toHaveLength(envelopes)
  })
  return log()
}

function value<T>(settled: Settled<T> | undefined): T {
  if (settled === undefined) throw new Error('read not settled')
  if (!settled.ok) throw settled.error
  return settled.value
}

function failure(settled: Settled<unknown> | undefined): MicrosoftError {
  if (settled === undefined) throw new Error('read not settled')
  if (settled.ok) throw new Error('expected the read to fail')
  return settled.error
}

describe('readTenantState: one batch', () => {
  it('reads the partner entry, trust inputs and default policy in one HTTP request, as the single reads do', async () => {
    const tenantId = customer()
    const g = gateway()
    const state = await g.readTenantState(tenantId, EVERYTHING, { priority: 'low' })
    expect(state.httpRequests).toBe(1)
    const log = await graphLog(tenantId, 1)
    expect(log.filter((e) => e.batch === null).map((e) => `${e.method} ${e.path}`)).toEqual([
      'POST /v1.0/$batch',
    ])
    expect(log.filter((e) => e.batch !== null)).toHaveLength(5)

    expect(value(state.partner)).toEqual((await g.getPartner(tenantId, PARTNER_TENANT_ID)).value)
    expect(value(state.conditionalAccessPolicies)).toEqual(
      (await g.listConditionalAccessPolicies(tenantId)).value,
    )
    expect(value(state.conditionalAccessPolicies)).toHaveLength(3)
    expect(value(state.authorizationPolicy)).toEqual((await g.getAuthorizationPolicy(tenantId)).value)
    expect(value(state.licences)).toEqual((await g.listSubscribedSkus(tenantId)).value)
    expect(value(state.defaultPolicy)).toEqual((await g.getDefaultPolicy(tenantId)).value)
    expect(state.partner.ok && state.partner.requestId).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('matches answers to reads by id whatever order they come in', async () => {
    const shuffled = customer()
    const inOrder = customer({ settings: { batchResponseOrder: 'request' } })
    const g = gateway()
    const a = await g.readTenantState(shuffled, EVERYTHING)
    const b = await g.readTenantState(inOrder, EVERYTHING)
    expect(value(a.licences)).toEqual(value(b.licences))
    expect(value(a.authorizationPolicy)).toEqual(value(b.authorizationPolicy))
    expect(value(a.partner)?.tenantId).toBe(PARTNER_TENANT_ID)
    expect(value(a.conditionalAccessPolicies).map((p) => p.displayName)).toEqual(
      value(b.conditionalAccessPolicies).map((p) => p.displayName),
    )
  })

  it.each([
    [{ trustInputs: false, defaultPolicy: false }, ['partner']],
    [{ trustInputs: false, defaultPolicy: true }, ['defaultPolicy', 'partner']],
    [
      { trustInputs: true, defaultPolicy: false },
      ['authorizationPolicy', 'conditionalAccessPolicies', 'licences', 'partner'],
    ],
  ])('%o reads only what was asked', async (asked, reads) => {
    const tenantId = customer()
    const state = await gateway().readTenantState(tenantId, { partnerTenantId: PARTNER_TENANT_ID, ...asked })
    const { httpRequests, ...settled } = state
    expect(Object.keys(settled).sort()).toEqual(reads)
    expect(Object.values(settled).every((s) => s.ok)).toBe(true)
    expect(httpRequests).toBe(1)
    const inside = (await graphLog(tenantId, 1)).filter((e) => e.batch !== null)
    expect(inside).toHaveLength(reads.length)
  })

  it('a missing partner entry is a value: null', async () => {
    const tenantId = customer({ partners: [] })
    const state = await gateway().readTenantState(tenantId, EVERYTHING)
    expect(state.partner).toMatchObject({ ok: true, value: null })
    expect(value(state.licences).level).toBe('p2')
  })

  it('without Policy.Read.All the policy reads are refused (403) while the others succeed', async () => {
    const tenantId = customer({ consent: { roles: APP_ROLES } })
    const warnings: { fields: Record<string, unknown>; msg: string | undefined }[] = []
    const logger = {
      ...silentLogger,
      warn: (fields: object, msg?: string) => warnings.push({ fields: { ...fields }, msg }),
    }
    const state = await gateway(undefined, { logger }).readTenantState(tenantId, EVERYTHING)
    expect(value(state.partner)?.tenantId).toBe(PARTNER_TENANT_ID)
    expect(value(state.licences).level).toBe('p2')
    expect(value(state.defaultPolicy)).toHaveProperty('b2bCollaborationInbound')
    for (const refused of [state.conditionalAccessPolicies, state.authorizationPolicy]) {
      const error = failure(refused)
      expect(error).toBeInstanceOf(AccessLostError)
      expect(error).toMatchObject({ reason: 'forbidden', status: 403, code: 'Authorization_RequestDenied' })
    }
    expect(state.httpRequests).toBe(1)
    const failed = warnings.filter((w) => w.msg === 'graph request failed').map((w) => w.fields)
    expect(failed.map((f) => f.path).sort()).toEqual([
      '/identity/conditionalAccess/policies',
      '/policies/authorizationPolicy',
    ])
    for (const f of failed) {
      expect(f).toMatchObject({ tenantId, err: { status: 403 } })
      expect(f.requestId).toMatch(/^[0-9a-f-]{36}$/)
    }
  })

  it('follows @odata.nextLink beyond the batch for Conditional Access policies, counting the pages', async () => {
    const tenantId = customer({ policyCount: 5, settings: { conditionalAccessPageSize: 2 } })
    const g = gateway()
    const state = await g.readTenantState(tenantId, EVERYTHING)
    expect(value(state.conditionalAccessPolicies).map((p) => p.displayName)).toEqual([
      'Policy 0',
      'Policy 1',
      'Policy 2',
      'Policy 3',
      'Policy 4',
    ])
    expect(state.httpRequests).toBe(3)
    const log = await graphLog(tenantId, 1)
    expect(log.filter((e) => e.batch === null && e.method === 'GET')).toHaveLength(2)
  })

  it('sends x-ms-throttle-priority: low on the envelope of a low-priority reading', async () => {
    const tenantId = customer()
    const wire = recordWireHeaders()
    try {
      await gateway().readTenantState(tenantId, EVERYTHING, { priority: 'low' })
    } finally {
      wire.stop()
    }
    const sent = wire.requests.filter((r) => r.path.endsWith('/$batch'))
    expect(sent.map((r) => r.headers.get('x-ms-throttle-priority'))).toEqual(['low'])
    const inside = (await graphLog(tenantId, 1)).filter((e) => e.batch !== null)
    expect(inside).toHaveLength(5)
  })
})

describe('readTenantState: retries', () => {
  it.each([
    ["424 Failed Dependency (Microsoft's throttling guidance)", 424 as const],
    ['200', 200 as const],
  ])('retries only a throttled read, after its Retry-After, when the batch answers %s', async (_, status) => {
    const tenantId = customer({ settings: { batchThrottledStatus: status } })
    fx.sim.state.faults.add({
      kind: 'throttle',
      origin: 'graph',
      tenantId,
      pathContains: '/subscribedskus',
      retryAfterSeconds: 1,
      times: 1,
    })
    const started = Date.now()
    const state = await gateway().readTenantState(tenantId, EVERYTHING)
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000)
    expect(value(state.licences).level).toBe('p2')
    expect(value(state.partner)?.tenantId).toBe(PARTNER_TENANT_ID)
    expect(state.httpRequests).toBe(2)
    const log = await graphLog(tenantId, 2)
    expect(log.filter((e) => e.early)).toEqual([])
    const skus = log.filter((e) => e.path === '/v1.0/subscribedSkus')
    expect(skus.map((e) => e.status)).toEqual([429, 200])
    expect(log.filter((e) => e.batch === null).map((e) => e.status)).toEqual([status, 200])
    // The second batch asked for the throttled read alone.
    expect(log.filter((e) => e.batch === skus[1]?.batch)).toHaveLength(1)
  })

  it('a read throttled past the budget settles as ThrottledError with its Retry-After; the others succeed', async () => {
    const tenantId = customer()
    fx.sim.state.faults.add({
      kind: 'throttle',
      origin: 'graph',
      tenantId,
      pathContains: '/policies/authorizationpolicy',
      retryAfterSeconds: 1,
    })
    const state = await gateway().readTenantState(tenantId, EVERYTHING, {
      retry: { ...fastRetry, budgetMs: 2500 },
    })
    const error = failure(state.authorizationPolicy)
    expect(error).toBeInstanceOf(ThrottledError)
    expect(error).toMatchObject({ retryAfterMs: 1000 })
    expect(value(state.conditionalAccessPolicies)).toHaveLength(3)
    expect(value(state.licences).level).toBe('p2')
    expect(state.httpRequests).toBe(3)
    const log = await graphLog(tenantId, 3)
    expect(log.filter((e) => e.early)).toEqual([])
  })

  it('follows no further page of policies once a read of the tenant ended throttled (no early request)', async () => {
    const tenantId = customer({ policyCount: 5, settings: { conditionalAccessPageSize: 2 } })
    fx.sim.state.faults.add({
      kind: 'throttle',
      origin: 'graph',
      tenantId,
      pathContains: '/partners/',
      retryAfterSeconds: 60,
      times: 1,
    })
    const state = await gateway().readTenantState(tenantId, EVERYTHING)
    expect(failure(state.partner)).toBeInstanceOf(ThrottledError)
    expect(failure(state.conditionalAccessPolicies)).toBeInstanceOf(ThrottledError)
    expect(value(state.licences).level).toBe('p2')
    expect(state.httpRequests).toBe(1)
    const log = await graphLog(tenantId, 1)
    expect(log.filter((e) => e.batch === null)).toHaveLength(1)
    expect(log.filter((e) => e.early)).toEqual([])
  })

  it('a Retry-After given inside the batch holds for the next call to the tenant: a repair waits or fails unsent', async () => {
    const tenantId = customer()
    fx.sim.state.faults.add({
      kind: 'throttle',
      origin: 'graph',
      tenantId,
      pathContains: '/identity/conditionalaccess/policies',
      retryAfterSeconds: 2,
      times: 1,
    })
    const g = gateway()
    const state = await g.readTenantState(tenantId, EVERYTHING, { retry: { ...fastRetry, budgetMs: 500 } })
    expect(failure(state.conditionalAccessPolicies)).toBeInstanceOf(ThrottledError)
    const unsent = await g
      .updatePartner(tenantId, PARTNER_TENANT_ID, desiredBody, { retry: { ...fastRetry, budgetMs: 500 } })
      .catch((e: unknown) => e)
    expect(unsent).toBeInstanceOf(ThrottledError)
    expect((unsent as ThrottledError).retryAfterMs).toBeGreaterThan(1000)
    await g.updatePartner(tenantId, PARTNER_TENANT_ID, desiredBody, {
      retry: { ...fastRetry, budgetMs: 5000 },
    })
    const log = await graphLog(tenantId, 1)
    expect(log.filter((e) => e.method === 'PATCH')).toHaveLength(1)
    expect(log.filter((e) => e.early)).toEqual([])
  })

  it('a 503 without Retry-After inside the batch is retried with backoff', async () => {
    const tenantId = customer()
    fx.sim.state.faults.add({
      kind: 'error',
      origin: 'graph',
      tenantId,
      status: 503,
      pathContains: '/policies/crosstenantaccesspolicy/default',
      retryAfterSeconds: null,
      times: 1,
    })
    const state = await gateway().readTenantState(tenantId, EVERYTHING)
    expect(value(state.defaultPolicy)).toHaveProperty('b2bCollaborationInbound')
    expect(state.httpRequests).toBe(2)
  })

  it('retries the envelope itself on 503', async () => {
    const tenantId = customer()
    fx.sim.state.faults.add({
      kind: 'error',
      origin: 'graph',
      tenantId,
      status: 503,
      pathContains: '/$batch',
      retryAfterSeconds: 0,
      times: 1,
    })
    const state = await gateway().readTenantState(tenantId, EVERYTHING)
    expect(value(state.partner)?.tenantId).toBe(PARTNER_TENANT_ID)
    expect(value(state.licences).level).toBe('p2')
    expect(state.httpRequests).toBe(2)
    const log = await graphLog(tenantId, 2)
    expect(log.filter((e) => e.batch === null).map((e) => e.status)).toEqual([503, 200])
  })

  it("the envelope's retries and the rounds share one maxAttempts: no more HTTP requests than the policy allows", async () => {
    const tenantId = customer()
    fx.sim.state.faults.add({
      kind: 'throttle',
      origin: 'graph',
      tenantId,
      pathContains: '/subscribedskus',
      retryAfterSeconds: 1,
    })
    const reading = gateway().readTenantState(tenantId, EVERYTHING, {
      retry: { ...fastRetry, maxAttempts: 3 },
    })
    // The first batch is answered (424, the SKUs throttled); the second round's envelope then fails.
    await graphLog(tenantId, 1)
    fx.sim.state.faults.add({
      kind: 'error',
      origin: 'graph',
      tenantId,
      status: 503,
      pathContains: '/$batch',
      retryAfterSeconds: 0,
    })
    const state = await reading
    expect(state.httpRequests).toBe(3)
    expect(failure(state.licences)).toMatchObject({ kind: 'transient', status: 503 })
    expect(value(state.partner)?.tenantId).toBe(PARTNER_TENANT_ID)
    const log = await graphLog(tenantId, 3)
    expect(log.filter((e) => e.batch === null).map((e) => e.status)).toEqual([424, 503, 503])
  })

  it('an envelope failing after its retries fails every read with that one error', async () => {
    const tenantId = customer()
    fx.sim.state.faults.add({
      kind: 'error',
      origin: 'graph',
      tenantId,
      status: 503,
      pathContains: '/$batch',
      retryAfterSeconds: 0,
    })
    const state = await gateway().readTenantState(tenantId, EVERYTHING, {
      retry: { ...fastRetry, maxAttempts: 2 },
    })
    const { httpRequests, ...settled } = state
    expect(httpRequests).toBe(2)
    const errors = Object.values(settled).map((s) => failure(s))
    expect(errors).toHaveLength(5)
    expect(new Set(errors).size).toBe(1)
    expect(errors[0]).toBeInstanceOf(TransientError)
    expect(errors[0]).toMatchObject({ status: 503 })
  })

  it('a 401 on the envelope fails every read as access lost and drops the cached token', async () => {
    const tenantId = customer({ settings: { revocationEffect: 'immediate' } })
    const tokens = tokenProvider(fx)
    const g = gateway(tokens)
    expect(value((await g.readTenantState(tenantId, EVERYTHING)).partner)).not.toBeNull()
    fx.sim.state.revokeConsent(tenantId, CLIENT_ID)
    const state = await g.readTenantState(tenantId, EVERYTHING)
    const { httpRequests, ...settled } = state
    expect(httpRequests).toBe(1)
    for (const s of Object.values(settled)) {
      expect(failure(s)).toMatchObject({ kind: 'access_lost', reason: 'unauthorized', status: 401 })
    }
    const posts = tokenPosts(fx, tenantId)
    const after = await g.readTenantState(tenantId, EVERYTHING)
    expect(tokenPosts(fx, tenantId)).toBe(posts + 1)
    expect(after.httpRequests).toBe(0)
    expect(failure(after.partner)).toBeInstanceOf(AccessLostError)
  })
})
