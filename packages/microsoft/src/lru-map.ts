// A bounded Map with least-recently-used eviction. JavaScript Maps iterate in insertion order, so
// re-inserting on access keeps the oldest entry first; get/set/evict are all O(1).

export class LruMap<K, V> {
  readonly #map = new Map<K, V>()
  readonly #max: number
  readonly #onEvict: ((key: K, value: V) => void) | undefined

  constructor(max: number, onEvict?: (key: K, value: V) => void) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError('LruMap size must be a positive integer')
    this.#max = max
    this.#onEvict = onEvict
  }

  get size(): number {
    return this.#map.size
  }

  get(key: K): V | undefined {
    const value = this.#map.get(key)
    if (value === undefined) return undefined
    this.#map.delete(key)
    this.#map.set(key, value)
    return value
  }

  /** Reads without refreshing recency. */
  peek(key: K): V | undefined {
    return this.#map.get(key)
  }

  set(key: K, value: V): void {
    this.#map.delete(key)
    this.#map.set(key, value)
    while (this.#map.size > this.#max) {
      const oldest = this.#map.keys().next()
      if (oldest.done === true) break
      const evicted = this.#map.get(oldest.value) as V
      this.#map.delete(oldest.value)
      this.#onEvict?.(oldest.value, evicted)
    }
  }

  delete(key: K): boolean {
    return this.#map.delete(key)
  }

  clear(): void {
    this.#map.clear()
  }
}
