// The app-token cache: one entry per tenant, bounded (least recently used goes first) and evicting at
// expiry. Every check of a large fleet needs a fresh token (checks every 6 h, tokens live 1 h), so without
// eviction the cache would hold mostly dead tokens; a lookup drops an expired entry it meets, and a sweep
// (`evictExpired`, run by the provider on a timer) drops the ones nobody asks for again.
import { LruMap } from './lru-map.ts'

export interface CachedToken<T> {
  token: T
  /** Epoch ms after which the token is refreshed instead of served. */
  refreshAt: number
  /** Epoch ms the token expires; the entry is gone by then (or at the next sweep). */
  expiresAt: number
}

export class TokenCache<T> {
  readonly #entries: LruMap<string, CachedToken<T>>
  #expiredEvictions = 0

  constructor(maxEntries: number) {
    this.#entries = new LruMap(maxEntries)
  }

  get size(): number {
    return this.#entries.size
  }

  /** Entries dropped because they expired (by lookup or sweep); LRU evictions are not counted here. */
  get expiredEvictions(): number {
    return this.#expiredEvictions
  }

  /** The entry to serve at `now` (before its refresh time), else undefined; an expired one is dropped. */
  fresh(key: string, now: number): CachedToken<T> | undefined {
    const entry = this.#entries.peek(key)
    if (entry === undefined) return undefined
    if (now >= entry.expiresAt) {
      this.#entries.delete(key)
      this.#expiredEvictions += 1
      return undefined
    }
    return now < entry.refreshAt ? this.#entries.get(key) : undefined
  }

  set(key: string, entry: CachedToken<T>): void {
    this.#entries.set(key, entry)
  }

  delete(key: string): void {
    this.#entries.delete(key)
  }

  /** Drops every expired entry; O(entries), run once a minute (about 5 ms at 100,000 tenants). */
  evictExpired(now: number): number {
    const expired: string[] = []
    this.#entries.forEach((key, entry) => {
      if (now >= entry.expiresAt) expired.push(key)
    })
    for (const key of expired) this.#entries.delete(key)
    this.#expiredEvictions += expired.length
    return expired.length
  }
}
