// Graph throttles an application per tenant (https://learn.microsoft.com/graph/throttling): a Retry-After
// holds for every request of ours to that tenant, not only for the retry of the request that got it. So the
// gate remembers, per tenant, when the last Retry-After ends, and every request to the tenant (a repair PATCH
// after a throttled read in the same check, a follow-up page, a read-back) waits for it or gives up.
import { LruMap } from './lru-map.ts'

/** Tenants with a Retry-After still running; far more than one process ever has throttled at once. */
const MAX_GATED_TENANTS = 50_000

export class TenantRetryGate {
  readonly #until = new LruMap<string, number>(MAX_GATED_TENANTS)

  /** Remembers a Retry-After of `retryAfterMs` given now; a later end already held is kept. */
  hold(tenantId: string, retryAfterMs: number, nowMs: number = Date.now()): void {
    if (!(retryAfterMs > 0)) return
    const until = nowMs + retryAfterMs
    const held = this.#until.peek(tenantId)
    if (held === undefined || held < until) this.#until.set(tenantId, until)
  }

  /** Milliseconds before the next request to the tenant may go out (0: now). */
  remainingMs(tenantId: string, nowMs: number = Date.now()): number {
    const until = this.#until.peek(tenantId)
    if (until === undefined) return 0
    if (until <= nowMs) {
      this.#until.delete(tenantId)
      return 0
    }
    return until - nowMs
  }
}
