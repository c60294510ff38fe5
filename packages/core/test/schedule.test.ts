import { describe, expect, it } from 'vitest'
import { backoffSeconds, backoffUntil, nextCheckAt, spreadWithin, unitFromHash } from '../src/index.ts'

const now = new Date('2026-11-27T00:00:00Z')
const SIX_HOURS = 6 * 3600

describe('nextCheckAt', () => {
  it('is deterministic for the same customer and time', () => {
    expect(nextCheckAt(now, SIX_HOURS, 'cust-1').getTime()).toBe(
      nextCheckAt(now, SIX_HOURS, 'cust-1').getTime(),
    )
  })

  it('stays within ±10 % of the interval and spreads evenly across customers', () => {
    const n = 20_000
    const buckets = new Array<number>(10).fill(0)
    let sum = 0
    let widest = 0
    for (let i = 0; i < n; i++) {
      const offset =
        (nextCheckAt(now, SIX_HOURS, `customer-${i}`).getTime() - now.getTime()) / 1000 - SIX_HOURS
      widest = Math.max(widest, Math.abs(offset))
      sum += offset
      const bucket = Math.min(9, Math.floor(((offset + SIX_HOURS * 0.1) / (SIX_HOURS * 0.2)) * 10))
      buckets[bucket] = (buckets[bucket] ?? 0) + 1
    }
    expect(widest).toBeLessThanOrEqual(SIX_HOURS * 0.1)
    expect(widest).toBeGreaterThan(SIX_HOURS * 0.099)
    // Uniform: each tenth gets ~2,000; allow 10 % tolerance (≈ 4.5 standard deviations).
    for (const count of buckets) expect(Math.abs(count - n / 10)).toBeLessThan(n / 100)
    expect(Math.abs(sum / n)).toBeLessThan(SIX_HOURS * 0.005)
  })

  it('varies run to run so a cohort onboarded together drifts apart', () => {
    const later = new Date(now.getTime() + SIX_HOURS * 1000)
    const a = nextCheckAt(now, SIX_HOURS, 'cust-1').getTime() - now.getTime()
    const b = nextCheckAt(later, SIX_HOURS, 'cust-1').getTime() - later.getTime()
    expect(a).not.toBe(b)
  })

  it('honours a custom ratio and a per-customer interval override', () => {
    const at = nextCheckAt(now, 3600, 'cust-2', { ratio: 0 })
    expect(at.getTime() - now.getTime()).toBe(3_600_000)
  })
})

describe('spreadWithin / unitFromHash', () => {
  it('spreads over the window', () => {
    const offsets = Array.from(
      { length: 1000 },
      (_, i) => spreadWithin(now, 3600, `c${i}`).getTime() - now.getTime(),
    )
    expect(Math.min(...offsets)).toBeGreaterThanOrEqual(0)
    expect(Math.max(...offsets)).toBeLessThan(3_600_000)
    expect(Math.max(...offsets) - Math.min(...offsets)).toBeGreaterThan(3_400_000)
    expect(unitFromHash('x')).toBeGreaterThanOrEqual(0)
    expect(unitFromHash('x')).toBeLessThan(1)
  })
})

describe('backoff', () => {
  const options = { baseSeconds: 60, capSeconds: 6 * 3600 }

  it('doubles per consecutive failure up to the cap', () => {
    expect([0, 1, 2, 3, 4].map((n) => backoffSeconds(n, options))).toEqual([0, 60, 120, 240, 480])
    expect(backoffSeconds(9, options)).toBe(15_360)
    expect(backoffSeconds(10, options)).toBe(21_600)
    expect(backoffSeconds(10_000, options)).toBe(21_600)
  })

  it('returns the time to wait until', () => {
    expect(backoffUntil(now, 3, options).toISOString()).toBe('2026-11-27T00:04:00.000Z')
    expect(backoffUntil(now, 0, options).getTime()).toBe(now.getTime())
  })
})
