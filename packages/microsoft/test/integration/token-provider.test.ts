// Real MSAL against the simulator's token endpoint over HTTPS.
import { decodeJwt } from 'jose'
import { describe, expect, it } from 'vitest'
import { AccessLostError, ConfigurationError, ThrottledError, TransientError } from '../../src/index.ts'
import { accessLost } from '../support/narrow.ts'
import { fx, useFixture, addCustomer, APP_ROLES, tokenPosts, tokenProvider } from '../support/sim-fixture.ts'

useFixture()

describe('token provider', () => {
  it('gets a token by client secret whose tid and roles are checked', async () => {
    const { tenantId } = addCustomer(fx)
    const tokens = tokenProvider(fx)
    const token = await tokens.getToken(tenantId)
    expect(token.tenantId).toBe(tenantId)
    expect(token.tid).toBe(tenantId)
    expect(token.roles).toEqual(expect.arrayContaining(APP_ROLES))
    expect(token.missingRoles).toEqual([])
    expect(token.expiresOn.getTime()).toBeGreaterThan(Date.now() + 50 * 60_000)
    expect(decodeJwt(token.accessToken)['appidacr']).toBe('1')
  })

  it('gets a token by certificate (SHA-256 thumbprint + x5c)', async () => {
    const { tenantId } = addCustomer(fx)
    const tokens = tokenProvider(fx, { credential: fx.cert })
    const token = await tokens.getToken(tenantId)
    expect(token.tid).toBe(tenantId)
    expect(decodeJwt(token.accessToken)['appidacr']).toBe('2')
  })

  it('caches per tenant: 2 tenants × 2 calls ⇒ 2 token POSTs', async () => {
    const a = addCustomer(fx).tenantId
    const b = addCustomer(fx).tenantId
    const tokens = tokenProvider(fx)
    const a1 = await tokens.getToken(a)
    const b1 = await tokens.getToken(b)
    const a2 = await tokens.getToken(a)
    const b2 = await tokens.getToken(b.toUpperCase())
    expect(a2).toBe(a1)
    expect(b2).toBe(b1)
    expect(tokenPosts(fx, a) + tokenPosts(fx, b)).toBe(2)
    expect(tokens.stats()).toMatchObject({
      cacheHits: 2,
      cacheMisses: 2,
      networkRequests: 2,
      cachedTokens: 2,
    })
  })

  it('de-duplicates concurrent requests: 5 parallel calls ⇒ 1 POST', async () => {
    const { tenantId } = addCustomer(fx)
    const tokens = tokenProvider(fx)
    const results = await Promise.all(Array.from({ length: 5 }, () => tokens.getToken(tenantId)))
    expect(new Set(results.map((r) => r.accessToken)).size).toBe(1)
    expect(tokenPosts(fx, tenantId)).toBe(1)
    expect(tokens.stats()).toMatchObject({ cacheMisses: 1, inFlightJoins: 4, networkRequests: 1 })
  })

  it('forceRefresh goes to the network again', async () => {
    const { tenantId } = addCustomer(fx)
    const tokens = tokenProvider(fx)
    await tokens.getToken(tenantId)
    await tokens.getToken(tenantId, { forceRefresh: true })
    expect(tokenPosts(fx, tenantId)).toBe(2)
  })

  it('does not cache a token without the required roles (consent still replicating)', async () => {
    const { tenantId } = addCustomer(fx, {
      consent: { ageSeconds: 0 },
      settings: { consentMissingSeconds: 0, consentNoRolesSeconds: 600 },
    })
    const tokens = tokenProvider(fx)
    const first = await tokens.getToken(tenantId)
    expect(first.roles).toEqual([])
    expect(first.missingRoles).toEqual(['Policy.ReadWrite.CrossTenantAccess'])
    await tokens.getToken(tenantId)
    expect(tokenPosts(fx, tenantId)).toBe(2)
    expect(tokens.stats().cachedTokens).toBe(0)
  })

  it.each([7000229, 700016, 65001] as const)(
    'AADSTS%i during the replication window is access lost with consentPending',
    async (code) => {
      const { tenantId } = addCustomer(fx, {
        consent: { ageSeconds: 0 },
        settings: { consentMissingSeconds: 600, consentMissingErrorCode: code },
      })
      const error = await tokenProvider(fx)
        .getToken(tenantId)
        .catch((e: unknown) => e)
      expect(error).toBeInstanceOf(AccessLostError)
      const lost = accessLost(error as AccessLostError)
      expect(lost.consentPending).toBe(true)
      expect(lost.reason).toBe('not_consented')
      expect(lost.aadstsCodes).toContain(code)
      expect(lost.message).not.toContain('sim-secret')
    },
  )

  it('a tenant that never consented is access lost (AADSTS7000229)', async () => {
    const { tenantId } = addCustomer(fx, { consent: false })
    const error = await tokenProvider(fx)
      .getToken(tenantId)
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AccessLostError)
    expect((error as AccessLostError).aadstsCodes).toEqual([7000229])
    expect((error as AccessLostError).status).toBe(401)
  })

  it('a wrong client secret is a configuration error (AADSTS7000215), not the customer', async () => {
    const { tenantId } = addCustomer(fx)
    const tokens = tokenProvider(fx, { credential: { kind: 'secret', secret: 'wrong-secret' } })
    const error = await tokens.getToken(tenantId).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigurationError)
    expect((error as ConfigurationError).aadstsCodes).toEqual([7000215])
    expect((error as ConfigurationError).code).toBe('invalid_client')
  })

  it('an unknown tenant id is refused by the token endpoint', async () => {
    const error = await tokenProvider(fx)
      .getToken('00000000-0000-4000-8000-00000000dead')
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AccessLostError)
    expect((error as AccessLostError).aadstsCodes).toEqual([90002])
  })

  it('rejects a domain instead of a tenant id', async () => {
    await expect(tokenProvider(fx).getToken('contoso.com')).rejects.toThrow(TypeError)
  })

  it('429 from the token endpoint: throttled with Retry-After, then paused without network, then recovers', async () => {
    const { tenantId } = addCustomer(fx)
    fx.sim.state.faults.add({ kind: 'throttle', origin: 'login', tenantId, times: 1, retryAfterSeconds: 1 })
    const tokens = tokenProvider(fx)
    const first = await tokens.getToken(tenantId).catch((e: unknown) => e)
    expect(first).toBeInstanceOf(ThrottledError)
    expect((first as ThrottledError).retryAfterMs).toBe(1000)
    const second = await tokens.getToken(tenantId).catch((e: unknown) => e)
    expect(second).toBeInstanceOf(ThrottledError)
    expect((second as ThrottledError).retryAfterMs).toBeGreaterThan(0)
    expect(tokenPosts(fx, tenantId)).toBe(1)
    await new Promise((r) => setTimeout(r, 1100))
    const token = await tokens.getToken(tenantId)
    expect(token.tid).toBe(tenantId)
    const log = fx.sim.state.requests.list({ tenant: tenantId, origin: 'login' })
    expect(log.map((e) => e.status)).toEqual([429, 200])
    expect(log.some((e) => e.early)).toBe(false)
  })

  it('503 from the token endpoint is transient', async () => {
    const { tenantId } = addCustomer(fx)
    fx.sim.state.faults.add({
      kind: 'error',
      origin: 'login',
      tenantId,
      status: 503,
      times: 1,
      retryAfterSeconds: 1,
    })
    const error = await tokenProvider(fx)
      .getToken(tenantId)
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TransientError)
    expect((error as TransientError).status).toBe(503)
  })

  it('a connection reset is transient', async () => {
    const { tenantId } = addCustomer(fx)
    fx.sim.state.faults.add({ kind: 'reset', origin: 'login', tenantId, times: 1 })
    const tokens = tokenProvider(fx)
    const error = await tokens.getToken(tenantId).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TransientError)
    // No throttle pause after a network error: the next call goes out and succeeds.
    expect((await tokens.getToken(tenantId)).tid).toBe(tenantId)
  })

  it('a slow token endpoint times out as transient', async () => {
    const { tenantId } = addCustomer(fx)
    fx.sim.state.faults.add({ kind: 'latency', origin: 'login', tenantId, times: 1, latencyMs: 1500 })
    const error = await tokenProvider(fx, { requestTimeoutMs: 300 })
      .getToken(tenantId)
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TransientError)
  })
})
