// What an anonymous client can do to the API's edge, on the app exactly as server.ts composes it
// (buildApp + composeEdge + createInfrastructure) against the machine's real Redis:
//  - rate limit budgets are shared by every instance (Redis), so a burst split across two instances is
//    refused; while Redis is unreachable each instance still counts on its own and says so in the log;
//  - with proxies trusted, an X-Forwarded-For entry the client wrote itself does not change its address;
//  - /readyz names the dependency that is down and nothing else, and is rate limited;
//  - the Content-Security-Policy lets forms reach only us and the Microsoft login origin.
import { randomBytes } from 'node:crypto'
import { Writable } from 'node:stream'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { Redis } from 'ioredis'
import { parseConfig } from '@crosstrust/config'
import { createRedis } from '@crosstrust/jobs'
import { createLogger } from '@crosstrust/logger'
import { buildApp } from '../src/app.ts'
import { composeEdge } from '../src/compose.ts'
import { createInfrastructure } from '../src/infrastructure.ts'
import type { ReadinessProbe } from '../src/routes/health.ts'

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const READYZ_LIMIT = 120
// Every key this file writes lives under its own prefix, removed at the end (never a flush: Redis is shared).
const prefixes: string[] = []
const apps: FastifyInstance[] = []

interface EdgeOptions {
  prefix: string
  env?: Record<string, string>
  probes?: ReadinessProbe[]
}

async function startApi(
  options: EdgeOptions,
): Promise<{ app: FastifyInstance; logs: string[]; ready: () => Promise<void> }> {
  const config = parseConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/postgres',
    REDIS_URL,
    PUBLIC_BASE_URL: 'https://crosstrust.example.com',
    MS_LOGIN_URL: 'https://login.example.test:8443/some/path',
    APP_CLIENT_ID: '11111111-2222-3333-4444-555555555555',
    APP_CLIENT_SECRET: 'edge-test-app-secret',
    PARTNER_TENANT_ID: '07d2f395-f69c-43ab-88a2-b82f1151042d',
    PARTNER_NAME: 'Truesec Detect AB',
    STAFF_CLIENT_ID: 'c7a9e3b2-4d6f-4a1b-8e2c-9f0d1a3b5c7e',
    STAFF_CLIENT_SECRET: 'edge-test-staff-secret',
    SESSION_SECRET: randomBytes(32).toString('hex'),
    QUEUE_PREFIX: options.prefix,
    ...options.env,
  })
  const logs: string[] = []
  const logger = createLogger({
    name: 'edge-test',
    level: config.LOG_LEVEL,
    destination: new Writable({
      write(chunk: Buffer, _encoding, done) {
        logs.push(chunk.toString('utf8'))
        done()
      },
    }),
  })
  const infra = createInfrastructure(config, logger)
  const app = await buildApp({
    logger,
    probes: options.probes ?? [],
    ...composeEdge(config, infra, logger),
    onClose: infra.close,
    auth: { config },
  })
  await app.ready()
  apps.push(app)
  return { app, logs, ready: () => connected(infra.rateLimitRedis) }
}

function newPrefix(): string {
  const prefix = `edge${randomBytes(6).toString('hex')}`
  prefixes.push(prefix)
  return prefix
}

/**
 * The rate limit connection refuses commands until it is connected (a request before that would be
 * counted locally, by design); on loopback that takes milliseconds.
 */
async function connected(redis: Redis): Promise<void> {
  const deadline = Date.now() + 5_000
  while (redis.status !== 'ready') {
    if (Date.now() > deadline) throw new Error(`rate limit redis still ${redis.status}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

function readyz(app: FastifyInstance, remoteAddress: string, forwardedFor?: string) {
  return app.inject({
    method: 'GET',
    url: '/readyz',
    remoteAddress,
    ...(forwardedFor === undefined ? {} : { headers: { 'x-forwarded-for': forwardedFor } }),
  })
}

afterEach(async () => {
  for (const app of apps.splice(0)) await app.close()
})

afterAll(async () => {
  const redis = createRedis(REDIS_URL)
  for (const prefix of prefixes) {
    const keys = await redis.keys(`${prefix}:*`)
    if (keys.length > 0) await redis.del(...keys)
  }
  redis.disconnect()
})

describe('rate limits shared through Redis', () => {
  it('two instances sharing Redis spend one budget: a burst split across both is refused at the limit', async () => {
    const prefix = newPrefix()
    const a = await startApi({ prefix })
    const b = await startApi({ prefix })
    await a.ready()
    await b.ready()
    const statuses: number[] = []
    for (let i = 0; i < READYZ_LIMIT; i++) {
      statuses.push((await readyz(i % 2 === 0 ? a.app : b.app, '198.51.100.7')).statusCode)
    }
    expect(statuses).toEqual(Array<number>(READYZ_LIMIT).fill(200))
    const overOnA = await readyz(a.app, '198.51.100.7')
    const overOnB = await readyz(b.app, '198.51.100.7')
    expect([overOnA.statusCode, overOnB.statusCode]).toEqual([429, 429])
    expect(Number(overOnB.headers['retry-after'])).toBeGreaterThan(0)
    expect(overOnB.headers['content-type']).toMatch(/^application\/problem\+json/)
    // Another client has its own budget.
    expect((await readyz(b.app, '198.51.100.8')).statusCode).toBe(200)
    // The counters live under the deployment's prefix, one per route and client.
    const redis = createRedis(REDIS_URL)
    try {
      expect(await redis.get(`${prefix}:rate-limit:GET/readyz-198.51.100.7`)).toBe(String(READYZ_LIMIT + 2))
    } finally {
      redis.disconnect()
    }
  })

  it('an instance with its own prefix does not share the budget (tests and deployments stay apart)', async () => {
    const a = await startApi({ prefix: newPrefix() })
    const b = await startApi({ prefix: newPrefix() })
    await a.ready()
    await b.ready()
    for (let i = 0; i < READYZ_LIMIT + 1; i++) await readyz(a.app, '198.51.100.9')
    expect((await readyz(a.app, '198.51.100.9')).statusCode).toBe(429)
    expect((await readyz(b.app, '198.51.100.9')).statusCode).toBe(200)
  })

  it('while Redis is unreachable each instance counts on its own, logs it once, and never hangs', async () => {
    const { app, logs } = await startApi({
      prefix: newPrefix(),
      env: { REDIS_URL: 'redis://127.0.0.1:1' },
    })
    const started = Date.now()
    const statuses: number[] = []
    for (let i = 0; i < READYZ_LIMIT + 1; i++) statuses.push((await readyz(app, '198.51.100.10')).statusCode)
    expect(statuses.slice(0, READYZ_LIMIT)).toEqual(Array<number>(READYZ_LIMIT).fill(200))
    expect(statuses[READYZ_LIMIT]).toBe(429)
    expect(Date.now() - started).toBeLessThan(10_000)
    const warnings = logs.filter((line) => line.includes('rate limit store unavailable'))
    expect(warnings).toHaveLength(1)
    expect(JSON.parse(warnings[0] ?? '{}')).toMatchObject({ level: 40 })
  })
})

describe('TRUST_PROXY', () => {
  it('with 1 hop trusted, an X-Forwarded-For entry added by the client does not change its rate limit', async () => {
    const { app, ready } = await startApi({ prefix: newPrefix(), env: { TRUST_PROXY: '1' } })
    await ready()
    const proxy = '10.0.0.2'
    // The proxy appends the address it saw; everything before that is whatever the client sent.
    const statuses: number[] = []
    for (let i = 0; i < READYZ_LIMIT; i++) {
      const spoofed = `192.0.2.${i % 250}, 198.18.${i % 250}.1`
      statuses.push((await readyz(app, proxy, `${spoofed}, 203.0.113.9`)).statusCode)
    }
    expect(statuses).toEqual(Array<number>(READYZ_LIMIT).fill(200))
    expect((await readyz(app, proxy, '192.0.2.251, 203.0.113.9')).statusCode).toBe(429)
    expect((await readyz(app, proxy, '203.0.113.9')).statusCode).toBe(429)
    // The address the proxy saw is what counts: another client behind the same proxy is not limited.
    expect((await readyz(app, proxy, '192.0.2.251, 203.0.113.10')).statusCode).toBe(200)
  })

  it('with the proxies listed, a direct client cannot borrow an address through X-Forwarded-For', async () => {
    const { app, ready } = await startApi({ prefix: newPrefix(), env: { TRUST_PROXY: '10.0.0.0/8' } })
    await ready()
    for (let i = 0; i < READYZ_LIMIT; i++) {
      expect((await readyz(app, '198.51.100.20', `192.0.2.${i % 250}`)).statusCode).toBe(200)
    }
    expect((await readyz(app, '198.51.100.20', '192.0.2.252')).statusCode).toBe(429)
    // Through the listed proxy the forwarded address is the client's: the same client is still limited,
    // another one is not.
    expect((await readyz(app, '10.1.2.3', '198.51.100.20')).statusCode).toBe(429)
    expect((await readyz(app, '10.1.2.3', '198.51.100.21')).statusCode).toBe(200)
  })
})

describe('/readyz', () => {
  const secret = 'password authentication failed for user "crosstrust_owner" (db-7.internal:5432) s3cr3t-Pa55'

  it('names the dependency that is down, not why; the reason goes to the server log', async () => {
    const { app, logs } = await startApi({
      prefix: newPrefix(),
      probes: [
        {
          name: 'postgres',
          check: () => Promise.reject(new Error(secret)),
        },
        { name: 'redis', check: () => Promise.resolve() },
      ],
    })
    const res = await readyz(app, '198.51.100.30')
    expect(res.statusCode).toBe(503)
    expect(res.json()).toEqual({
      status: 'not_ready',
      checks: [
        { name: 'postgres', ok: false },
        { name: 'redis', ok: true },
      ],
    })
    expect(res.body).not.toContain('s3cr3t')
    expect(res.body).not.toContain('internal')
    const logged = logs.map((line) => JSON.parse(line) as Record<string, unknown>)
    expect(logged).toContainEqual(
      expect.objectContaining({
        level: 40,
        msg: 'readiness probe failed',
        probe: 'postgres',
        err: expect.objectContaining({ message: secret }) as unknown,
      }),
    )
  })

  it('answers ready with the same shape', async () => {
    const { app } = await startApi({
      prefix: newPrefix(),
      probes: [{ name: 'postgres', check: () => Promise.resolve() }],
    })
    const res = await readyz(app, '198.51.100.31')
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ status: 'ready', checks: [{ name: 'postgres', ok: true }] })
  })
})

describe('Content-Security-Policy', () => {
  it('lets forms reach only this site and the Microsoft login origin', async () => {
    const { app } = await startApi({ prefix: newPrefix() })
    const res = await app.inject({ method: 'GET', url: '/healthz' })
    expect(res.headers['content-security-policy']).toBe(
      "default-src 'self';base-uri 'self';font-src 'self' https: data:;" +
        "form-action 'self' https://login.example.test:8443;frame-ancestors 'none';img-src 'self' data:;" +
        "object-src 'none';script-src 'self';script-src-attr 'none';style-src 'self';upgrade-insecure-requests",
    )
  })
})
