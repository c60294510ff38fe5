import { describe, expect, it } from 'vitest'
import { LruMap } from '../../src/lru-map.ts'

describe('LruMap', () => {
  it('evicts the least recently used entry', () => {
    const evicted: string[] = []
    const lru = new LruMap<string, number>(2, (k) => evicted.push(k))
    lru.set('a', 1)
    lru.set('b', 2)
    expect(lru.get('a')).toBe(1) // a is now most recent
    lru.set('c', 3)
    expect(evicted).toEqual(['b'])
    expect(lru.get('b')).toBeUndefined()
    expect(lru.size).toBe(2)
  })

  it('peek does not refresh recency', () => {
    const lru = new LruMap<string, number>(2)
    lru.set('a', 1)
    lru.set('b', 2)
    expect(lru.peek('a')).toBe(1)
    lru.set('c', 3)
    expect(lru.peek('a')).toBeUndefined()
  })

  it('rejects a non-positive size', () => {
    expect(() => new LruMap(0)).toThrow(RangeError)
  })
})
