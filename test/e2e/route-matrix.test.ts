// The route-by-role matrix over the REAL app, composed exactly as production composes it (startSystem):
// every registered route is called with no token, each kind of bad token, each role and a user without
// roles, and every answer must agree with the one route table (apps/api/src/auth/route-policy.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROUTE_POLICY, walkRoutePolicyMatrix } from '../../apps/api/src/auth/index.ts'
import { badTokens } from '../../apps/api/test/auth-support.ts'
import { staffTokens } from '../support/staff-tokens.ts'
import { startSystem, type System } from '../support/system.ts'

let sys: System

beforeAll(async () => {
  sys = await startSystem({ worker: false })
})
afterAll(async () => {
  await sys.stop()
})

describe('route-by-role matrix over the full app', () => {
  it('answers every route as the table says, for no token, every bad token and every role', async () => {
    const tokens = await staffTokens(sys)
    const bad = await badTokens(sys.sim)
    expect(Object.keys(bad)).toEqual(
      expect.arrayContaining([
        'expired',
        'wrong audience',
        'wrong issuer',
        'wrong tenant',
        'bad signature',
        'alg none',
      ]),
    )
    const result = await walkRoutePolicyMatrix(sys.app, {
      roles: { Viewer: tokens.viewer, Operator: tokens.operator, Admin: tokens.admin },
      noRole: tokens.noRole,
      bad,
    })
    expect(result.findings).toEqual([])

    // The walk covered the whole staff API: every exact /api/v1 entry of the table is a registered route
    // (a table line without a route would be a stale promise), and there are many requests per route.
    const registered = new Set(sys.app.routePolicies.map((r) => `${r.method} ${r.url}`))
    const apiEntries = ROUTE_POLICY.filter((e) => e.url.startsWith('/api/v1/') && !e.url.endsWith('*'))
    expect(apiEntries.length).toBeGreaterThan(25)
    for (const entry of apiEntries) expect(registered).toContain(`${entry.method} ${entry.url}`)
    expect(result.routes).toBeGreaterThanOrEqual(apiEntries.length)
    // Public routes once (anonymous); every other route anonymously, with each bad token, as each role and
    // as a user without roles.
    const walked = sys.app.routePolicies.filter((r) => r.method !== 'HEAD')
    const keys = new Set(walked.map((r) => `${r.method} ${r.url}`))
    const publicCount = new Set(
      walked.filter((r) => r.access === 'public').map((r) => `${r.method} ${r.url}`),
    ).size
    const perProtected = 1 + Object.keys(bad).length + 3 + 1
    expect(result.checked).toBe(publicCount + (keys.size - publicCount) * perProtected)
  }, 180_000)

  it('changes nothing while walking (every request was refused or had no valid input)', async () => {
    expect(await sys.db.prisma.customer.count()).toBe(0)
    expect(await sys.db.prisma.webhookEndpoint.count()).toBe(0)
    expect(await sys.db.prisma.policyVersion.count()).toBe(0)
  })
})
