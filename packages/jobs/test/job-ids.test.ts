// Deterministic job ids are what make enqueueing idempotent: the same logical work gets the same id.
import { describe, expect, it } from 'vitest'
import { MAX_CHECK_BATCH, jobDefinitions, jobIdFor } from '../src/index.ts'

const a = { customerId: '7d0c3a52-2f6e-4a43-9a57-0d2b8f3c1a01', dueAt: '2026-12-03T10:00:00.000Z' }
const b = { customerId: '1b4f0e9c-8d2a-4c3e-b6f1-5a7e9d2c4b02', dueAt: '2026-12-03T10:00:05.000Z' }

describe('jobIdFor', () => {
  it('names a single check by its customer and due time', () => {
    expect(jobIdFor('check', { ...a, trigger: 'schedule' })).toBe(`check-${a.customerId}-1796292000000`)
  })

  it('names a batch by its set of due checks, whatever their order', () => {
    const id = jobIdFor('check-batch', { checks: [a, b] })
    expect(id).toMatch(/^check-batch-[0-9a-f]{32}$/)
    expect(jobIdFor('check-batch', { checks: [b, a] })).toBe(id)
  })

  it('gives another batch (another member or another due time) another id', () => {
    const id = jobIdFor('check-batch', { checks: [a, b] })
    expect(jobIdFor('check-batch', { checks: [a] })).not.toBe(id)
    expect(jobIdFor('check-batch', { checks: [a, { ...b, dueAt: '2026-12-03T10:00:06.000Z' }] })).not.toBe(id)
  })
})

describe('the check-batch payload', () => {
  const schema = jobDefinitions['check-batch'].payload

  it(`accepts 1 to ${String(MAX_CHECK_BATCH)} due checks and nothing else`, () => {
    expect(schema.safeParse({ checks: [a] }).success).toBe(true)
    expect(schema.safeParse({ checks: [] }).success).toBe(false)
    expect(schema.safeParse({ checks: Array.from({ length: MAX_CHECK_BATCH + 1 }, () => a) }).success).toBe(
      false,
    )
    expect(schema.safeParse({ checks: [{ ...a, customerId: 'not-a-uuid' }] }).success).toBe(false)
  })
})
