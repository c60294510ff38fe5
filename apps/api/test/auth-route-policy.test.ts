// The route table is the single source of who may call what: an uncovered route stops the app from
// starting, and a generic walk proves for every registered route that anonymous and bad-token callers get
// 401 and each role gets exactly what the table says.
import type { RunningSimulator } from '@crosstrust/ms-sim'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  lookupPolicy,
  ROUTE_POLICY,
  UncoveredRouteError,
  walkRoutePolicyMatrix,
  type MatrixCredentials,
  type RoutePolicyTable,
} from '../src/auth/index.ts'
import { assertValidTable } from '../src/auth/route-policy.ts'
import { authConfig, badTokens, buildAuthApp, roleTokens, startStaffSimulator } from './auth-support.ts'

const REDIRECT = 'http://127.0.0.1:1/auth/callback'
const BASE = 'http://127.0.0.1:1'

let sim: RunningSimulator
let creds: MatrixCredentials

beforeAll(async () => {
  sim = await startStaffSimulator([REDIRECT])
  const { noRole, ...roles } = await roleTokens(sim, REDIRECT)
  creds = { roles, noRole, bad: await badTokens(sim) }
})

afterAll(async () => {
  await sim.close()
})

const TEST_POLICY: RoutePolicyTable = [
  { method: '*', url: '/auth/*', access: 'public' },
  { method: '*', url: '/consent/*', access: 'public' },
  { method: 'GET', url: '/healthz', access: 'public' },
  { method: 'GET', url: '/api/v1/things', access: 'Viewer' },
  { method: 'GET', url: '/api/v1/things/:id', access: 'Viewer' },
  { method: 'POST', url: '/api/v1/things', access: 'Operator' },
  { method: 'PUT', url: '/api/v1/things/:id/mode', access: 'Admin' },
  { method: 'DELETE', url: '/api/v1/things/:id', access: 'Admin' },
  { method: 'POST', url: '/things/:id/apply', access: 'Operator' },
]

describe('route table coverage', () => {
  it('refuses to start when a route is registered that the table does not cover', async () => {
    await expect(
      buildAuthApp(authConfig(sim, BASE), {
        policy: TEST_POLICY,
        routes: (a) => a.get('/api/v1/unlisted', () => ({})),
      }),
    ).rejects.toThrow(UncoveredRouteError)
    // Also from inside a prefixed plugin, and for a method the table does not list for a known URL.
    await expect(
      buildAuthApp(authConfig(sim, BASE), {
        policy: TEST_POLICY,
        routes: (a) => {
          void a.register(
            (p, _opts, done) => {
              try {
                p.patch('/things/:id', () => ({}))
                done()
              } catch (err) {
                done(err as Error)
              }
            },
            { prefix: '/api/v1' },
          )
        },
      }),
    ).rejects.toThrow(/PATCH \/api\/v1\/things\/:id is not in the route policy table/)
  })

  it('gives a route registered for several methods the strictest access of them', async () => {
    const policy: RoutePolicyTable = [
      ...TEST_POLICY,
      { method: 'GET', url: '/api/v1/both', access: 'Viewer' },
      { method: 'POST', url: '/api/v1/both', access: 'Admin' },
    ]
    const app = await buildAuthApp(authConfig(sim, BASE), {
      policy,
      routes: (a) => a.route({ method: ['GET', 'POST'], url: '/api/v1/both', handler: () => ({}) }),
    })
    try {
      const res = await app.inject({
        method: 'GET',
        url: '/api/v1/both',
        headers: { authorization: `Bearer ${creds.roles.Viewer}` },
      })
      expect(res.statusCode).toBe(403)
    } finally {
      await app.close()
    }
  })

  it('resolves exact entries before wildcard prefixes, and GET covers HEAD', () => {
    const table: RoutePolicyTable = [
      { method: '*', url: '/docs*', access: 'public' },
      { method: '*', url: '/x/*', access: 'Viewer' },
      { method: 'POST', url: '/x/admin', access: 'Admin' },
      { method: '*', url: '/x/deep/*', access: 'Operator' },
    ]
    expect(lookupPolicy(table, 'POST', '/x/admin')?.access).toBe('Admin')
    expect(lookupPolicy(table, 'GET', '/x/admin')?.access).toBe('Viewer')
    expect(lookupPolicy(table, 'GET', '/x/deep/y')?.access).toBe('Operator')
    expect(lookupPolicy(table, 'GET', '/docs/json')?.access).toBe('public')
    expect(lookupPolicy(table, 'GET', '/y')).toBeUndefined()
    expect(lookupPolicy(ROUTE_POLICY, 'HEAD', '/api/v1/customers')?.access).toBe('Viewer')
    expect(lookupPolicy(ROUTE_POLICY, 'PATCH', '/api/v1/customers')).toBeUndefined()
    expect(() => {
      assertValidTable([...table, { method: 'POST', url: '/x/admin', access: 'Viewer' }])
    }).toThrow(/duplicate/)
  })

  it('fails closed (500) for a route that was registered before the auth plugin', async () => {
    const { default: Fastify } = await import('fastify')
    const { default: cookie } = await import('@fastify/cookie')
    const { default: formbody } = await import('@fastify/formbody')
    const { authPlugin } = await import('../src/auth/index.ts')
    const { createLogger } = await import('@crosstrust/logger')
    const logger = createLogger({ name: 'api-auth-test', level: 'silent' })
    const app = Fastify()
    await app.register(formbody)
    await app.register(cookie)
    app.get('/early', () => ({ secret: true }))
    await app.register(authPlugin, { config: authConfig(sim, BASE), logger, policy: TEST_POLICY })
    await app.ready()
    try {
      const res = await app.inject({ method: 'GET', url: '/early' })
      expect(res.statusCode).toBe(500)
      expect(res.body).not.toContain('secret')
    } finally {
      await app.close()
    }
  })
})

/** Registers a trivial handler for every concrete entry of a table (wildcards get one sample route). */
function routesFor(table: RoutePolicyTable) {
  return (app: FastifyInstance) => {
    for (const entry of table) {
      if (entry.url.startsWith('/auth/')) continue // the plugin's own routes
      const url = entry.url.endsWith('*') ? `${entry.url.replace(/\/?\*$/, '')}/sample` : entry.url
      const methods = entry.method === '*' ? ['GET', 'POST'] : [entry.method]
      for (const method of methods) app.route({ method, url, handler: () => ({ ok: true }) })
    }
  }
}

describe('route × role matrix', () => {
  it('walks a test table: 401 without or with a bad token, each role allowed or 403 as declared', async () => {
    const app = await buildAuthApp(authConfig(sim, BASE), {
      policy: TEST_POLICY,
      routes: routesFor(TEST_POLICY),
    })
    try {
      const result = await walkRoutePolicyMatrix(app, creds)
      expect(result.findings).toEqual([])
      // 4 public routes (sign-in, callback, sign-out, signed-out) + healthz + consent GET/POST;
      // 6 protected × (anonymous + 8 bad tokens + 3 roles + no role).
      expect(result.routes).toBe(13)
      expect(result.checked).toBe(7 + 6 * (1 + Object.keys(creds.bad).length + 3 + 1))
    } finally {
      await app.close()
    }
  })

  it('walks every route of the production table the same way', async () => {
    const app = await buildAuthApp(authConfig(sim, BASE), { routes: routesFor(ROUTE_POLICY) })
    try {
      const result = await walkRoutePolicyMatrix(app, creds)
      expect(result.findings).toEqual([])
      const protectedRoutes = app.routePolicies.filter((r) => r.access !== 'public' && r.method !== 'HEAD')
      expect(protectedRoutes.length).toBe(ROUTE_POLICY.filter((e) => e.access !== 'public').length)
    } finally {
      await app.close()
    }
  })

  it('reports a route whose enforcement disagrees with the table', async () => {
    const app = await buildAuthApp(authConfig(sim, BASE), {
      policy: TEST_POLICY,
      routes: routesFor(TEST_POLICY),
    })
    try {
      // Pretend the table said Viewer while enforcement (from the real table) demands Admin.
      const entry = app.routePolicies.find((r) => r.method === 'DELETE' && r.url === '/api/v1/things/:id')
      if (!entry) throw new Error('route missing')
      entry.access = 'Viewer'
      const result = await walkRoutePolicyMatrix(app, creds)
      expect(result.findings).toEqual([
        { method: 'DELETE', url: '/api/v1/things/:id', as: 'Viewer', expected: 'allowed', status: 403 },
        { method: 'DELETE', url: '/api/v1/things/:id', as: 'Operator', expected: 'allowed', status: 403 },
      ])
    } finally {
      await app.close()
    }
  })
})
