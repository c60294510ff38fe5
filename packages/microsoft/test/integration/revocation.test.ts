// What the product sees when a customer removes the app (or its permission), under both revocation
// behaviours of the simulator: with `token-expiry` (Microsoft's behaviour, the default) reads keep working
// until the cached token expires, then the token request fails and the error is "access lost"; with
// `immediate` the very next Graph call is refused. Real MSAL and Graph client.
import { describe, expect, it } from 'vitest'
import { AccessLostError, createGraphGateway, type MicrosoftError } from '../../src/index.ts'
import { fx, useFixture, addCustomer, CLIENT_ID, tokenProvider } from '../support/sim-fixture.ts'

const PARTNER = '07d2f395-f69c-43ab-88a2-b82f1151042d'

useFixture()

function setup(revocationEffect: 'token-expiry' | 'immediate') {
  const { tenantId } = addCustomer(fx, { settings: { revocationEffect, appTokenLifetimeSeconds: 4 } })
  const tokens = tokenProvider(fx)
  const graph = createGraphGateway({
    graphUrl: fx.sim.graphUrl,
    tokens,
    retry: { baseDelayMs: 20, maxDelayMs: 50 },
  })
  return { tenantId, tokens, graph }
}

const failure = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e as MicrosoftError,
  )

describe('revocation as the product sees it', () => {
  it('token-expiry: reads work on the cached token until it expires, then access is lost (AADSTS7000229)', async () => {
    const { tenantId, tokens, graph } = setup('token-expiry')
    expect((await graph.getPartner(tenantId, PARTNER)).value).toBeNull()
    fx.sim.state.revokeConsent(tenantId, CLIENT_ID)
    expect((await graph.getPartner(tenantId, PARTNER)).value).toBeNull()
    expect(tokens.stats().networkRequests).toBe(1)
    await new Promise((r) => setTimeout(r, 4_100))
    const error = await failure(graph.getPartner(tenantId, PARTNER))
    expect(error).toBeInstanceOf(AccessLostError)
    expect(error).toMatchObject({ reason: 'not_consented' })
    expect(error?.aadstsCodes).toContain(7000229)
  })

  it('token-expiry: removed roles surface at expiry as a token without the permission', async () => {
    const { tenantId, graph } = setup('token-expiry')
    await graph.getPartner(tenantId, PARTNER)
    fx.sim.state.removeRoles(tenantId, CLIENT_ID)
    expect((await graph.getPartner(tenantId, PARTNER)).value).toBeNull()
    await new Promise((r) => setTimeout(r, 4_100))
    const error = await failure(graph.getPartner(tenantId, PARTNER))
    expect(error).toBeInstanceOf(AccessLostError)
    expect(error).toMatchObject({ reason: 'missing_roles' })
  })

  it('immediate: the next Graph call is refused (401 app removed, 403 roles removed)', async () => {
    const a = setup('immediate')
    await a.graph.getPartner(a.tenantId, PARTNER)
    fx.sim.state.revokeConsent(a.tenantId, CLIENT_ID)
    expect(await failure(a.graph.getPartner(a.tenantId, PARTNER))).toMatchObject({
      kind: 'access_lost',
      status: 401,
    })
    const b = setup('immediate')
    await b.graph.getPartner(b.tenantId, PARTNER)
    fx.sim.state.removeRoles(b.tenantId, CLIENT_ID)
    expect(await failure(b.graph.getPartner(b.tenantId, PARTNER))).toMatchObject({
      kind: 'access_lost',
      reason: 'forbidden',
      status: 403,
    })
  })
})
