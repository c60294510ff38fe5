// 429 without Retry-After (Microsoft documents that the header may be missing): the gateway falls back to
// its own exponential backoff with jitter, never retries at once, and hands a ThrottledError without a
// wait to the caller when the budget runs out. Real Graph client against the simulator's throttle fault.
import { describe, expect, it } from 'vitest'
import { createGraphGateway, ThrottledError } from '../../src/index.ts'
import {
  fx,
  useFixture,
  addCustomer,
  graphRequests,
  PARTNER_TENANT_ID,
  tokenProvider,
} from '../support/sim-fixture.ts'

useFixture()

const retry = { maxAttempts: 4, budgetMs: 10_000, baseDelayMs: 200, maxDelayMs: 1_000 }

describe('429 without Retry-After', () => {
  it('retries with the product backoff (≥ half of base·2^n between tries), then succeeds', async () => {
    const { tenantId } = addCustomer(fx)
    fx.sim.state.faults.add({
      kind: 'throttle',
      origin: 'graph',
      tenantId,
      retryAfterSeconds: null,
      times: 2,
    })
    const graph = createGraphGateway({ graphUrl: fx.sim.graphUrl, tokens: tokenProvider(fx), retry })
    const result = await graph.getPartner(tenantId, PARTNER_TENANT_ID)
    expect(result.value).toBeNull()
    expect(result.attempts).toBe(3)
    const log = graphRequests(fx, tenantId)
    expect(log.map((e) => e.status)).toEqual([429, 429, 404])
    const at = log.map((e) => Date.parse(e.time))
    expect((at[1] ?? 0) - (at[0] ?? 0)).toBeGreaterThanOrEqual(100 - 5)
    expect((at[2] ?? 0) - (at[1] ?? 0)).toBeGreaterThanOrEqual(200 - 5)
  })

  it('throttled past the budget: ThrottledError without a Microsoft wait, so callers use their own backoff', async () => {
    const { tenantId } = addCustomer(fx)
    fx.sim.state.faults.add({ kind: 'throttle', origin: 'graph', tenantId, retryAfterSeconds: null })
    const graph = createGraphGateway({
      graphUrl: fx.sim.graphUrl,
      tokens: tokenProvider(fx),
      retry: { ...retry, maxAttempts: 2 },
    })
    const error = await graph.getPartner(tenantId, PARTNER_TENANT_ID).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ThrottledError)
    expect((error as ThrottledError).retryAfterMs).toBeUndefined()
    expect(graphRequests(fx, tenantId).map((e) => e.status)).toEqual([429, 429])
  })
})
