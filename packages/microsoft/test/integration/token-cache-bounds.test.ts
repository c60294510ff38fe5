// The provider's token cache is bounded and evicts at expiry; MSAL is one shared client whose own cache is
// emptied after each request. Real MSAL against the simulator; the clock is the provider's `now` option.
import { describe, expect, it } from 'vitest'
import { fx, useFixture, addCustomer, tokenPosts, tokenProvider } from '../support/sim-fixture.ts'

useFixture()

describe('token cache bounds and expiry', () => {
  it('keeps at most maxCachedTokens: the least recently used tenant is evicted and asked for again', async () => {
    const [a, b, c] = [addCustomer(fx).tenantId, addCustomer(fx).tenantId, addCustomer(fx).tenantId]
    const tokens = tokenProvider(fx, { maxCachedTokens: 2, expirySweepIntervalMs: 0 })
    await tokens.getToken(a)
    await tokens.getToken(b)
    await tokens.getToken(c)
    expect(tokens.stats().cachedTokens).toBe(2)
    await tokens.getToken(c) // still cached
    await tokens.getToken(a) // evicted by c: a second POST
    expect([tokenPosts(fx, a), tokenPosts(fx, b), tokenPosts(fx, c)]).toEqual([2, 1, 1])
    expect(tokens.stats()).toMatchObject({
      cacheHits: 1,
      cacheMisses: 4,
      networkRequests: 4,
      cachedTokens: 2,
    })
  })

  it('a lookup after expiry drops the dead token and fetches a new one', async () => {
    const tenantId = addCustomer(fx).tenantId
    let clock = Date.now()
    const tokens = tokenProvider(fx, { now: () => clock, expirySweepIntervalMs: 0 })
    const first = await tokens.getToken(tenantId)
    clock = first.expiresOn.getTime() // the instant it expires
    const second = await tokens.getToken(tenantId)
    expect(second).not.toBe(first)
    expect(tokenPosts(fx, tenantId)).toBe(2)
    expect(tokens.stats()).toMatchObject({ expiredEvictions: 1, cachedTokens: 1, cacheHits: 0 })
  })

  it('the expiry sweep empties the cache of tokens nobody asks for again', async () => {
    const ids = [addCustomer(fx).tenantId, addCustomer(fx).tenantId, addCustomer(fx).tenantId]
    let clock = Date.now()
    const tokens = tokenProvider(fx, { now: () => clock, expirySweepIntervalMs: 5 })
    const issued = await Promise.all(ids.map((id) => tokens.getToken(id)))
    expect(tokens.stats().cachedTokens).toBe(3)
    clock = Math.max(...issued.map((t) => t.expiresOn.getTime()))
    await new Promise((r) => setTimeout(r, 50)) // a few sweep intervals of real time
    expect(tokens.stats()).toMatchObject({ cachedTokens: 0, expiredEvictions: 3 })
  })

  it('one MSAL client serves many tenants: each token carries its own tenant', async () => {
    const ids = Array.from({ length: 6 }, () => addCustomer(fx).tenantId)
    const tokens = tokenProvider(fx, { expirySweepIntervalMs: 0 })
    const issued = await Promise.all(ids.map((id) => tokens.getToken(id)))
    expect(issued.map((t) => t.tid)).toEqual(ids)
    expect(tokens.stats()).toMatchObject({ networkRequests: 6, cachedTokens: 6, pausedTenants: 0 })
  })
})
