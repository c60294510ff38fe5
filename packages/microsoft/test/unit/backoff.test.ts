import { describe, expect, it } from 'vitest'
import { backoffDelay, sleepAtLeast } from '../../src/backoff.ts'

describe('backoffDelay', () => {
  const opts = { baseDelayMs: 1000, maxDelayMs: 8000 }

  it('doubles per retry with jitter between half and the full value', () => {
    expect(backoffDelay(1, opts, () => 0)).toBe(500)
    expect(backoffDelay(1, opts, () => 1)).toBe(1000)
    expect(backoffDelay(2, opts, () => 0)).toBe(1000)
    expect(backoffDelay(3, opts, () => 1)).toBe(4000)
  })

  it('is capped', () => {
    expect(backoffDelay(10, opts, () => 1)).toBe(8000)
    expect(backoffDelay(50, opts, () => 0)).toBe(4000)
  })

  it('spreads values with real randomness', () => {
    const values = new Set(Array.from({ length: 50 }, () => backoffDelay(3, opts)))
    expect(values.size).toBeGreaterThan(10)
    for (const v of values) {
      expect(v).toBeGreaterThanOrEqual(2000)
      expect(v).toBeLessThanOrEqual(4000)
    }
  })
})

describe('sleepAtLeast', () => {
  it('never wakes before the wall clock has passed the delay', async () => {
    for (const ms of [1, 5, 20, 37]) {
      const start = Date.now()
      await sleepAtLeast(ms)
      expect(Date.now() - start).toBeGreaterThanOrEqual(ms)
    }
  })

  it('can be aborted', async () => {
    const controller = new AbortController()
    const sleeping = sleepAtLeast(10_000, controller.signal)
    controller.abort(new Error('stop'))
    await expect(sleeping).rejects.toThrow('stop')
  })
})
