import { describe, expect, it } from 'vitest'
import { TenantRetryGate } from '../../src/retry-gate.ts'

describe('TenantRetryGate', () => {
  it('holds per tenant until the Retry-After ends, then lets go', () => {
    const gate = new TenantRetryGate()
    gate.hold('a', 2_000, 1_000)
    expect(gate.remainingMs('a', 1_500)).toBe(1_500)
    expect(gate.remainingMs('b', 1_500)).toBe(0)
    expect(gate.remainingMs('a', 3_000)).toBe(0)
    expect(gate.remainingMs('a', 1_500)).toBe(0)
  })

  it('keeps the later of two ends and ignores an empty Retry-After', () => {
    const gate = new TenantRetryGate()
    gate.hold('a', 5_000, 0)
    gate.hold('a', 1_000, 0)
    gate.hold('a', 0, 0)
    expect(gate.remainingMs('a', 0)).toBe(5_000)
    gate.hold('a', 6_000, 1_000)
    expect(gate.remainingMs('a', 0)).toBe(7_000)
  })
})
