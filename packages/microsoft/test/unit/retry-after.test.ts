import { describe, expect, it } from 'vitest'
import { MAX_RETRY_AFTER_MS, parseRetryAfter } from '../../src/retry-after.ts'

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-02T03:04:05Z')

  it('reads delay-seconds', () => {
    expect(parseRetryAfter('0', now)).toBe(0)
    expect(parseRetryAfter('7', now)).toBe(7000)
    expect(parseRetryAfter(' 120 ', now)).toBe(120_000)
  })

  it('rounds fractional seconds up so we never retry early', () => {
    expect(parseRetryAfter('1.0004', now)).toBe(1001)
  })

  it('reads an HTTP-date relative to now', () => {
    expect(parseRetryAfter('Fri, 02 Jan 2026 03:04:15 GMT', now)).toBe(10_000)
  })

  it('takes at most an hour, however long the header asks (huge numbers and far dates included)', () => {
    expect(parseRetryAfter('4000000000', now)).toBe(MAX_RETRY_AFTER_MS)
    expect(parseRetryAfter('9'.repeat(400), now)).toBe(MAX_RETRY_AFTER_MS)
    expect(parseRetryAfter('Fri, 02 Jan 2150 03:04:15 GMT', now)).toBe(MAX_RETRY_AFTER_MS)
    expect(MAX_RETRY_AFTER_MS).toBe(3_600_000)
  })

  it('treats a date in the past as no wait', () => {
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:00 GMT', now)).toBe(0)
  })

  it('ignores absent, empty, negative and garbage values', () => {
    expect(parseRetryAfter(null, now)).toBeUndefined()
    expect(parseRetryAfter(undefined, now)).toBeUndefined()
    expect(parseRetryAfter('', now)).toBeUndefined()
    expect(parseRetryAfter('-5', now)).toBeUndefined()
    expect(parseRetryAfter('soon', now)).toBeUndefined()
    expect(parseRetryAfter('12 apples', now)).toBeUndefined()
    expect(parseRetryAfter('0x10', now)).toBeUndefined()
  })
})
