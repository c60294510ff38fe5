// Proving access to a customer tenant under both Graph token formats the simulator can issue: readable v1.0
// JWTs (tid and roles from the token) and opaque tokens (a Graph call proves the permission). Real MSAL and
// the real Graph client against the simulator.
import { describe, expect, it } from 'vitest'
import { AccessLostError, createGraphGateway, proveAccess } from '../../src/index.ts'
import {
  fx,
  useFixture,
  addCustomer,
  APP_ROLES,
  graphRequests,
  tokenProvider,
} from '../support/sim-fixture.ts'

useFixture()

function setup(format: 'jwt' | 'opaque', consent: { roles?: string[] } = {}) {
  const { tenantId } = addCustomer(fx, { settings: { graphTokenFormat: format }, consent })
  const tokens = tokenProvider(fx)
  const graph = createGraphGateway({
    graphUrl: fx.sim.graphUrl,
    tokens,
    retry: { baseDelayMs: 20, maxDelayMs: 50 },
  })
  return { tenantId, tokens, graph }
}

describe('proveAccess', () => {
  it('jwt: proves access from the token claims without a Graph call', async () => {
    const { tenantId, tokens, graph } = setup('jwt')
    const token = await tokens.getToken(tenantId)
    expect(token.claims).toBe('read')
    const proof = await proveAccess(tokens, graph, tenantId)
    expect(proof).toMatchObject({ tid: tenantId, via: 'token-claims' })
    expect(proof.roles).toEqual(expect.arrayContaining(APP_ROLES))
    expect(graphRequests(fx, tenantId)).toHaveLength(0)
  })

  it('opaque: does not parse the token; proves access with a Graph read for the tenant it asked for', async () => {
    const { tenantId, tokens, graph } = setup('opaque')
    const token = await tokens.getToken(tenantId)
    expect(token).toMatchObject({ claims: 'opaque', tid: tenantId, roles: [], missingRoles: [] })
    const proof = await proveAccess(tokens, graph, tenantId)
    expect(proof).toMatchObject({ tid: tenantId, via: 'graph-call', roles: [] })
    expect(proof.requestId).toMatch(/^[0-9a-f-]{36}$/)
    expect(graphRequests(fx, tenantId).map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /v1.0/policies/crossTenantAccessPolicy/default',
    ])
  })

  for (const format of ['jwt', 'opaque'] as const) {
    it(`${format}: a consent without the permission is "missing roles, consent pending"`, async () => {
      const { tenantId, tokens, graph } = setup(format, { roles: ['Organization.Read.All'] })
      const error = await proveAccess(tokens, graph, tenantId).then(
        () => null,
        (e: unknown) => e,
      )
      expect(error).toBeInstanceOf(AccessLostError)
      expect(error).toMatchObject({ reason: 'missing_roles', consentPending: true })
    })
  }
})
