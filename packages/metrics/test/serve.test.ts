import { Counter } from 'prom-client'
import { afterEach, describe, expect, it } from 'vitest'
import { createMetricsRegistry, scrapeAllowed, startMetricsServer, type MetricsServer } from '../src/index.ts'

let server: MetricsServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

describe('scrapeAllowed', () => {
  it('allows every scrape without a token and only the exact bearer with one', () => {
    expect(scrapeAllowed(undefined, undefined)).toBe(true)
    expect(scrapeAllowed('anything', '')).toBe(true)
    const token = 'a-metrics-token-of-32-characters'
    expect(scrapeAllowed(`Bearer ${token}`, token)).toBe(true)
    expect(scrapeAllowed(undefined, token)).toBe(false)
    expect(scrapeAllowed(`Bearer ${token}x`, token)).toBe(false)
    expect(scrapeAllowed(`bearer ${token}`, token)).toBe(false)
    expect(scrapeAllowed(token, token)).toBe(false)
  })
})

describe('startMetricsServer', () => {
  it('serves the registry on /metrics, 404 elsewhere, 401 without the configured bearer', async () => {
    const registry = createMetricsRegistry('worker', { processMetrics: false })
    new Counter({ name: 'crosstrust_test_total', help: 'test', registers: [registry] }).inc(3)
    const token = 'a-metrics-token-of-32-characters'
    server = await startMetricsServer({ registry, port: 0, host: '127.0.0.1', token })
    const base = `http://127.0.0.1:${server.port}`

    const denied = await fetch(`${base}/metrics`)
    expect(denied.status).toBe(401)
    expect(await denied.text()).not.toContain('crosstrust_test_total')

    const ok = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${token}` } })
    expect(ok.status).toBe(200)
    expect(ok.headers.get('content-type')).toContain('text/plain')
    expect(await ok.text()).toContain('crosstrust_test_total{service="worker"} 3')

    expect((await fetch(`${base}/other`)).status).toBe(404)
    expect((await fetch(`${base}/metrics`, { method: 'POST' })).status).toBe(404)
  })
})
