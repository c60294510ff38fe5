import { describe, expect, it } from 'vitest'
import { TokenCache } from '../../src/token-cache.ts'

const entry = (name: string, refreshAt: number, expiresAt: number) => ({ token: name, refreshAt, expiresAt })

describe('TokenCache', () => {
  it('serves an entry until its refresh time, keeps it until expiry, drops it at expiry', () => {
    const cache = new TokenCache<string>(10)
    cache.set('t', entry('a', 100, 200))
    expect(cache.fresh('t', 99)?.token).toBe('a')
    expect(cache.fresh('t', 150)).toBe(undefined) // due for refresh, still held
    expect(cache.size).toBe(1)
    expect(cache.fresh('t', 200)).toBe(undefined)
    expect(cache.size).toBe(0)
    expect(cache.expiredEvictions).toBe(1)
  })

  it('is bounded: the least recently used entry goes first', () => {
    const cache = new TokenCache<string>(2)
    cache.set('a', entry('a', 100, 200))
    cache.set('b', entry('b', 100, 200))
    cache.set('c', entry('c', 100, 200))
    expect([cache.fresh('a', 0), cache.fresh('b', 0)?.token, cache.fresh('c', 0)?.token]).toEqual([
      undefined,
      'b',
      'c',
    ])
    expect(cache.expiredEvictions).toBe(0)
  })

  it('evictExpired drops exactly the expired entries', () => {
    const cache = new TokenCache<string>(10)
    cache.set('short', entry('s', 50, 100))
    cache.set('long', entry('l', 150, 300))
    cache.set('gone', entry('g', 10, 20))
    expect(cache.evictExpired(100)).toBe(2)
    expect(cache.size).toBe(1)
    expect(cache.fresh('long', 100)?.token).toBe('l')
    expect(cache.expiredEvictions).toBe(2)
  })
})
