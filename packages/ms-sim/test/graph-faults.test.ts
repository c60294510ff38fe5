// Graph v1.0 conformance, driven by the real @microsoft/microsoft-graph-client: injected faults
// (429/503/504, connection resets, latency) and the per app+tenant token bucket.
import { describe, expect, it } from 'vitest'
import {
  appToken,
  CONTOSO,
  DEMO_IDS,
  PARTNER,
  sim,
  g,
  token,
  graphError,
  noRetry,
  PARTNERS,
  useContosoGraph,
  instantSeedWithContoso,
} from './helpers.ts'

// Single-request semantics are checked here; read lag and 404 after a create have write-lag.test.ts.
useContosoGraph(instantSeedWithContoso)

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
