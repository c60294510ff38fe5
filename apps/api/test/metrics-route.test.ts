// The API's /metrics route on its own: bearer check when METRICS_TOKEN is set, request timings by route
// pattern, and its own rate limit.
import rateLimit from '@fastify/rate-limit'
import { createMetricsRegistry, httpMetrics } from '@crosstrust/metrics'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { metricsRoutes } from '../src/plugins/metrics.ts'

let app: FastifyInstance | undefined
afterEach(async () => {
  await app?.close()
  app = undefined
})

async function build(token?: string): Promise<FastifyInstance> {
  const registry = createMetricsRegistry('api', { processMetrics: false })
  const instance = Fastify({ logger: false })
  await instance.register(rateLimit, { global: false })
  metricsRoutes(instance, { registry, http: httpMetrics(registry), token })
  instance.get('/consent/:token', () => ({ ok: true }))
  await instance.ready()
  return instance
}

describe('GET /metrics (API)', () => {
  it('needs the bearer when METRICS_TOKEN is set', async () => {
    const token = 'metrics-token-0123456789abcdef'
    app = await build(token)
    const denied = await app.inject({ method: 'GET', url: '/metrics' })
    expect(denied.statusCode).toBe(401)
    expect(denied.headers['www-authenticate']).toBe('Bearer')
    expect(denied.body).not.toContain('crosstrust_')
    const wrong = await app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: 'Bearer nope' },
    })
    expect(wrong.statusCode).toBe(401)
    const ok = await app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${token}` },
    })
    expect(ok.statusCode).toBe(200)
    expect(ok.headers['content-type']).toContain('text/plain')
  })

  it('times requests by route pattern, never by URL', async () => {
    app = await build()
    await app.inject({ method: 'GET', url: '/consent/secret-token-value-123' })
    await app.inject({ method: 'GET', url: '/nowhere/secret-path' })
    const body = (await app.inject({ method: 'GET', url: '/metrics' })).body
    expect(body).toContain(
      'crosstrust_http_request_duration_seconds_count{service="api",method="GET",route="/consent/:token",status="200"} 1',
    )
    expect(body).toContain('route="unmatched",status="404"')
    expect(body).not.toContain('secret-token-value')
    expect(body).not.toContain('secret-path')
  })

  it('is rate limited per client', async () => {
    app = await build()
    const statuses: number[] = []
    for (let i = 0; i < 121; i += 1)
      statuses.push((await app.inject({ method: 'GET', url: '/metrics' })).statusCode)
    expect(statuses.slice(0, 120).every((s) => s === 200)).toBe(true)
    expect(statuses[120]).toBe(429)
  })
})
