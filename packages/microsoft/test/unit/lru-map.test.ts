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

  it('a read refreshes only entries older than half the capacity; a read entry survives max/2 inserts', () => {
    const evicted: number[] = []
    const lru = new LruMap<number, number>(10, (k) => evicted.push(k))
    for (let i = 0; i < 10; i++) lru.set(i, i)
    lru.get(0) // 10 insertions old: refreshed to newest
    lru.get(9) // brand new: left where it is
    for (let i = 10; i < 15; i++) lru.set(i, i)
    expect(evicted).toEqual([1, 2, 3, 4, 5])
    expect(lru.peek(0)).toBe(0)
    for (let i = 15; i < 19; i++) lru.set(i, i)
    expect(evicted).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9])
    expect(lru.peek(0)).toBe(0)
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
