// Graph v1.0 JSON batching (`POST /v1.0/$batch`), driven by the real @microsoft/microsoft-graph-client and
// plain fetch: each request inside a batch is a Graph request of its own (permissions, faults, retry gates,
// request log), the envelope is validated as a whole, and answers come back out of order unless switched.
import { describe, expect, it, vi } from 'vitest'
import { BATCH_ANSWERS_IN_ORDER, INSTANT_CONSISTENCY } from '../src/index.ts'
import type { RequestLogEntry, SimSeed } from '../src/index.ts'
import {
  CONTOSO,
  DEMO_IDS,
  desiredPartner,
  FABRIKAM,
  g,
  graphError,
  json,
  PARTNER,
  PARTNERS,
  sim,
  testSeedWithContoso,
  token,
  useContosoGraph,
} from './helpers.ts'
import { partnerMfaPolicy } from './graph-policies-support.ts'

/** Contoso with a partner entry for PARTNER, one Conditional Access policy, single-request semantics. */
async function seed(): Promise<SimSeed> {
  const s = await testSeedWithContoso()
  const contoso = s.tenants?.find((t) => t.id === CONTOSO)
  if (!contoso) throw new Error('no contoso in the seed')
  contoso.partners = [desiredPartner(PARTNER)]
  contoso.conditionalAccessPolicies = [partnerMfaPolicy]
  return { ...s, settings: { ...INSTANT_CONSISTENCY } }
}

useContosoGraph(seed, ['Policy.Read.All', 'Organization.Read.All'])

/** The four reads of a scheduled check, as relative urls (with and without the leading slash). */
const CHECK_READS = [
  { id: 'partner', method: 'GET', url: `${PARTNERS}/${PARTNER}` },
  { id: 'ca', method: 'GET', url: 'identity/conditionalAccess/policies' },
  { id: 'authz', method: 'GET', url: '/policies/authorizationPolicy' },
  { id: 'skus', method: 'GET', url: '/subscribedSkus' },
]

interface Answer {
  id: string
  status: number
  headers: Record<string, string>
  body?: Record<string, unknown>
}
interface BatchReply {
  status: number
  requestId: string
  body: { responses: Answer[]; error?: { code: string; message: string } }
}

async function postBatch(body: unknown, bearer = token, headers: Record<string, string> = {}) {
  const res = await fetch(`${sim.graphUrl}/v1.0/$batch`, {
    method: 'POST',
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  })
  return {
    status: res.status,
    requestId: res.headers.get('request-id') ?? '',
    body: (await res.json()) as BatchReply['body'],
  } satisfies BatchReply
}

function answer(reply: BatchReply, id: string): Answer {
  const found = reply.body.responses.find((r) => r.id === id)
  if (!found) throw new Error(`no answer for ${id}`)
  return found
}

const graphLog = (): RequestLogEntry[] => sim.state.requests.list({ origin: 'graph' })

/**
 * The Graph log once it holds `envelopes` batch envelopes: the simulator logs a request when its response
 * has been flushed ('finish'), which can come just after the client has read the answer.
 */
async function logWithEnvelopes(envelopes: number): Promise<RequestLogEntry[]> {
  await vi.waitFor(() => {
    expect(graphLog().filter((e) => e.path === '/v1.0/$batch')).toHaveLength(envelopes)
  })
  return graphLog()
}

async function mintToken(roles: string[]): Promise<string> {
  const minted = await fetch(
    `${sim.graphUrl}/_sim/tokens`,
    json('POST', { tenantId: CONTOSO, clientId: DEMO_IDS.appClientId, roles }),
  )
  return ((await minted.json()) as { access_token: string }).access_token
}

describe('JSON batching: the requests inside', () => {
  it('answers the four reads of a check in one HTTP request, each as Graph answers it alone', async () => {
    const reply = await postBatch({ requests: CHECK_READS })
    expect(reply.status).toBe(200)
    expect(reply.body.responses.map((r) => r.status)).toEqual([200, 200, 200, 200])
    const partner = answer(reply, 'partner')
    expect(partner.headers['Content-Type']).toMatch(/^application\/json/)
    expect(partner.body).toEqual(await g.api(`${PARTNERS}/${PARTNER}`).get())
    expect(answer(reply, 'ca').body).toEqual(await g.api('/identity/conditionalAccess/policies').get())
    expect(answer(reply, 'authz').body).toEqual(await g.api('/policies/authorizationPolicy').get())
    expect(answer(reply, 'skus').body).toEqual(await g.api('/subscribedSkus').get())
  })

  it('the real Graph client posts a batch through /$batch', async () => {
    const body = (await g.api('/$batch').post({ requests: CHECK_READS.slice(0, 2) })) as BatchReply['body']
    expect(body.responses.map((r) => [r.id, r.status]).sort()).toEqual([
      ['ca', 200],
      ['partner', 200],
    ])
  })

  it('logs the envelope as an HTTP request and each request inside with the envelope request-id', async () => {
    sim.state.requests.clear()
    const reply = await postBatch({ requests: CHECK_READS })
    const log = await logWithEnvelopes(1)
    const envelope = log.filter((e) => e.batch === null)
    expect(envelope).toEqual([
      expect.objectContaining({ method: 'POST', path: '/v1.0/$batch', status: 200, tenant: CONTOSO }),
    ])
    const inside = log.filter((e) => e.batch === reply.requestId)
    expect(inside.map((e) => e.path).sort()).toEqual([
      '/v1.0/identity/conditionalAccess/policies',
      '/v1.0/policies/authorizationPolicy',
      `/v1.0${PARTNERS}/${PARTNER}`,
      '/v1.0/subscribedSkus',
    ])
    expect(inside.every((e) => e.method === 'GET' && e.clientId === DEMO_IDS.appClientId)).toBe(true)
    expect(sim.state.requests.list({ origin: 'graph', http: true })).toEqual(envelope)
    const viaApi = (await (
      await fetch(`${sim.graphUrl}/_sim/requests?origin=graph&http=true`)
    ).json()) as RequestLogEntry[]
    expect(viaApi.map((e) => e.path)).toEqual(['/v1.0/$batch'])
  })

  it('checks permissions per request: 403 without Policy.Read.All while the others succeed', async () => {
    const withoutPolicyRead = await mintToken(['Policy.ReadWrite.CrossTenantAccess', 'Organization.Read.All'])
    const reply = await postBatch({ requests: CHECK_READS }, withoutPolicyRead)
    expect(reply.status).toBe(200)
    expect(answer(reply, 'partner').status).toBe(200)
    expect(answer(reply, 'skus').status).toBe(200)
    for (const id of ['ca', 'authz']) {
      expect(answer(reply, id)).toMatchObject({
        status: 403,
        body: { error: { code: 'Authorization_RequestDenied' } },
      })
    }
  })

  it('answers 404 Request_ResourceNotFound for a partner entry that does not exist', async () => {
    const missing = '11111111-2222-4333-8444-555555555555'
    const reply = await postBatch({ requests: [{ id: '1', method: 'GET', url: `${PARTNERS}/${missing}` }] })
    const notFound = answer(reply, '1')
    expect(notFound).toMatchObject({ status: 404, body: { error: { code: 'Request_ResourceNotFound' } } })
    expect(notFound.body).toHaveProperty(['error', 'innerError', 'request-id'])
  })

  it('throttles per request: a 429 with its own Retry-After gates the app+tenant like a plain request', async () => {
    sim.state.faults.add({
      kind: 'throttle',
      origin: 'graph',
      tenantId: CONTOSO,
      pathContains: '/subscribedskus',
      retryAfterSeconds: 7,
      times: 1,
    })
    const first = await postBatch({ requests: CHECK_READS })
    // Microsoft's throttling guidance: the batch itself fails with 424 Failed Dependency, answers included.
    expect(first.status).toBe(424)
    expect(answer(first, 'skus')).toMatchObject({
      status: 429,
      headers: { 'Retry-After': '7' },
      body: { error: { code: 'TooManyRequests' } },
    })
    expect(answer(first, 'partner').status).toBe(200)
    // Retrying the throttled request at once is early, in a batch as on its own.
    const again = await postBatch({ requests: [CHECK_READS[3]] })
    expect(answer(again, 'skus').status).toBe(200)
    const early = (await logWithEnvelopes(2)).filter((e) => e.early)
    expect(early.map((e) => [e.path, e.batch])).toEqual([
      ['/v1.0/subscribedSkus', again.requestId],
      ['/v1.0/$batch', null],
    ])
    await g.api('/organization').get()
    expect(graphLog().at(-1)).toMatchObject({ path: '/v1.0/organization', early: true })
  })

  it('one 429 inside a batch does not make its sibling requests early', async () => {
    sim.state.faults.add({
      kind: 'throttle',
      origin: 'graph',
      tenantId: CONTOSO,
      pathContains: '/identity/conditionalaccess',
      retryAfterSeconds: 5,
      times: 1,
    })
    await postBatch({ requests: CHECK_READS })
    expect((await logWithEnvelopes(1)).filter((e) => e.early)).toEqual([])
  })

  it('applies fault latency to each request in parallel: a batch of 4 takes about one delay', async () => {
    const latencyMs = 300
    sim.state.faults.add({ kind: 'latency', origin: 'graph', tenantId: CONTOSO, latencyMs })
    const started = performance.now()
    const reply = await postBatch({ requests: CHECK_READS })
    const took = performance.now() - started
    expect(reply.body.responses.every((r) => r.status === 200)).toBe(true)
    expect(took).toBeGreaterThanOrEqual(latencyMs - 5)
    expect(took).toBeLessThan(2 * latencyMs)
    const log = await logWithEnvelopes(1)
    expect(log.filter((e) => e.batch !== null).every((e) => e.fault === 'latency')).toBe(true)
    expect(log.find((e) => e.batch === null)?.fault).toBeNull()
  })

  it('gives a request inside a batch hit by a reset rule a 502 (it has no connection of its own)', async () => {
    sim.state.faults.add({
      kind: 'reset',
      origin: 'graph',
      tenantId: CONTOSO,
      pathContains: '/subscribedskus',
    })
    const reply = await postBatch({ requests: CHECK_READS })
    expect(answer(reply, 'skus').status).toBe(502)
    expect(answer(reply, 'partner').status).toBe(200)
  })
})

describe('JSON batching: the envelope', () => {
  it('has its connection cut by a reset rule without a path; the requests inside are not reset on their own', async () => {
    sim.state.faults.add({ kind: 'reset', origin: 'graph', tenantId: CONTOSO, times: 1 })
    const cut = await fetch(`${sim.graphUrl}/v1.0/$batch`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ requests: CHECK_READS }),
    }).catch((e: unknown) => e)
    expect(cut).toBeInstanceOf(TypeError)
    // Path-less and matching every request inside (GET), but not the envelope (POST).
    sim.state.faults.add({ kind: 'reset', origin: 'graph', tenantId: CONTOSO, method: 'GET' })
    const reply = await postBatch({ requests: CHECK_READS })
    expect(reply.body.responses.map((r) => r.status)).toEqual([200, 200, 200, 200])
  })

  it('is exempt from fault rules unless pathContains names $batch', async () => {
    sim.state.faults.add({ kind: 'error', origin: 'graph', tenantId: CONTOSO, status: 503, times: 4 })
    const items = await postBatch({ requests: CHECK_READS })
    expect(items.status).toBe(200)
    expect(items.body.responses.map((r) => r.status)).toEqual([503, 503, 503, 503])
    sim.state.faults.add({
      kind: 'throttle',
      origin: 'graph',
      tenantId: CONTOSO,
      pathContains: '/$batch',
      retryAfterSeconds: 3,
      times: 1,
    })
    const res = await fetch(`${sim.graphUrl}/v1.0/$batch`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ requests: CHECK_READS }),
    })
    expect(res.status).toBe(429)
    expect(res.headers.get('retry-after')).toBe('3')
    expect((await logWithEnvelopes(2)).at(-1)).toMatchObject({
      path: '/v1.0/$batch',
      status: 429,
      batch: null,
    })
  })

  it('needs a valid token (401 for the whole batch)', async () => {
    const reply = await postBatch({ requests: CHECK_READS }, 'not-a-token')
    expect(reply.status).toBe(401)
    expect(reply.body.error?.code).toBe('InvalidAuthenticationToken')
  })

  it.each([
    ['no requests', {}],
    ['an empty list', { requests: [] }],
    [
      'more than 20',
      { requests: Array.from({ length: 21 }, (_, i) => ({ id: String(i), method: 'GET', url: '/me' })) },
    ],
    [
      'a duplicate id',
      {
        requests: [
          { id: '1', method: 'GET', url: '/organization' },
          { id: '1', method: 'GET', url: '/subscribedSkus' },
        ],
      },
    ],
    ['a missing id', { requests: [{ method: 'GET', url: '/organization' }] }],
    ['an unsupported method', { requests: [{ id: '1', method: 'HEAD', url: '/organization' }] }],
    [
      'an absolute url',
      { requests: [{ id: '1', method: 'GET', url: 'https://graph.microsoft.com/v1.0/me' }] },
    ],
    ['a url outside v1.0', { requests: [{ id: '1', method: 'GET', url: '../_sim/tenants' }] }],
    ['a nested batch', { requests: [{ id: '1', method: 'GET', url: '/$batch' }] }],
    [
      'dependsOn',
      {
        requests: [
          { id: '1', method: 'GET', url: '/organization' },
          { id: '2', method: 'GET', url: '/subscribedSkus', dependsOn: ['1'] },
        ],
      },
    ],
    [
      'a body without Content-Type',
      { requests: [{ id: '1', method: 'POST', url: PARTNERS, body: desiredPartner(PARTNER) }] },
    ],
  ])('refuses %s with 400 BadRequest for the whole batch', async (_what, body) => {
    sim.state.requests.clear()
    const reply = await postBatch(body)
    expect(reply.status).toBe(400)
    expect(reply.body.error?.code).toBe('BadRequest')
    expect((await logWithEnvelopes(1)).map((e) => e.path)).toEqual(['/v1.0/$batch'])
  })

  it('runs a write inside a batch with its body and headers', async () => {
    const writer = await mintToken(['Policy.ReadWrite.CrossTenantAccess'])
    const reply = await postBatch(
      {
        requests: [
          { id: 'delete', method: 'DELETE', url: `${PARTNERS}/${PARTNER}` },
          {
            id: 'create',
            method: 'POST',
            url: PARTNERS,
            headers: { 'Content-Type': 'application/json' },
            body: desiredPartner(FABRIKAM),
          },
        ],
      },
      writer,
    )
    expect(answer(reply, 'delete')).toEqual({ id: 'delete', status: 204, headers: {} })
    const created = answer(reply, 'create')
    expect(created.status).toBe(201)
    expect(created.headers.Location).toBe(`${sim.graphUrl}/v1.0${PARTNERS}/${FABRIKAM}`)
    expect(created.body?.tenantId).toBe(FABRIKAM)
  })

  it('the Graph client sees a 400 for a malformed batch', async () => {
    const e = await graphError(g.api('/$batch').post({ requests: [] }))
    expect(e.statusCode).toBe(400)
  })
})

describe('JSON batching: order of the answers', () => {
  const twenty = {
    requests: Array.from({ length: 20 }, (_, i) => ({
      id: String(i + 1),
      method: 'GET',
      url: '/organization',
    })),
  }

  it('answers out of order by default (clients match answers by id)', async () => {
    for (const requests of [CHECK_READS, twenty.requests, CHECK_READS.slice(0, 2)]) {
      const reply = await postBatch({ requests })
      const ids = reply.body.responses.map((r) => r.id)
      expect(ids).not.toEqual(requests.map((r) => r.id))
      expect([...ids].sort()).toEqual(requests.map((r) => r.id).sort())
    }
  })

  it('answers 200 for a batch with a throttled request inside with batchThrottledStatus: 200', async () => {
    const settings = sim.state.requireTenant(CONTOSO).settings
    const before = settings.batchThrottledStatus
    settings.batchThrottledStatus = 200
    try {
      sim.state.faults.add({
        kind: 'throttle',
        origin: 'graph',
        tenantId: CONTOSO,
        pathContains: '/subscribedskus',
        retryAfterSeconds: 0,
        times: 1,
      })
      const reply = await postBatch({ requests: CHECK_READS })
      expect(reply.status).toBe(200)
      expect(answer(reply, 'skus').status).toBe(429)
    } finally {
      settings.batchThrottledStatus = before
    }
  })

  it('answers in request order with batchResponseOrder: request', async () => {
    Object.assign(sim.state.requireTenant(CONTOSO).settings, BATCH_ANSWERS_IN_ORDER)
    const reply = await postBatch(twenty)
    expect(reply.body.responses.map((r) => r.id)).toEqual(twenty.requests.map((r) => r.id))
  })
})
