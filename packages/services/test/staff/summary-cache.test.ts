// The cached overview summary: counts reused for a few seconds, with their age in the answer.
import { createTestDatabase, type TestDatabase } from '@crosstrust/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSummaryCache } from '../../src/index.ts'

let db: TestDatabase
beforeAll(async () => {
  db = await createTestDatabase()
})
afterAll(async () => {
  await db.drop()
})

async function addCustomer(name: string): Promise<void> {
  await db.prisma.$executeRaw`
    INSERT INTO customers (name, onboarding_state, compliance_state, updated_at)
    VALUES (${name}, 'failed', 'pending', now())`
}

describe('createSummaryCache', () => {
  it('serves the same counts with their age until they are older than maxAgeMs, then counts again', async () => {
    await addCustomer('First')
    const cache = createSummaryCache({ maxAgeMs: 5_000 })
    const t0 = new Date('2026-12-03T10:00:00.000Z')
    const first = await cache.get(db.prisma, t0)
    expect(first).toMatchObject({ total: 1, asOf: t0, ageSeconds: 0 })
    expect(first.needsAttention.failedOnboarding).toBe(1)

    await addCustomer('Second')
    const reused = await cache.get(db.prisma, new Date(t0.getTime() + 4_900))
    expect(reused).toMatchObject({ total: 1, asOf: t0, ageSeconds: 4 })

    const later = new Date(t0.getTime() + 5_001)
    const recounted = await cache.get(db.prisma, later)
    expect(recounted).toMatchObject({ total: 2, asOf: later, ageSeconds: 0 })
    expect(recounted.needsAttention.failedOnboarding).toBe(2)
  })

  it('concurrent requests on an empty cache share one count and one asOf', async () => {
    const cache = createSummaryCache()
    const now = new Date()
    const answers = await Promise.all([cache.get(db.prisma, now), cache.get(db.prisma, now)])
    expect(answers.map((a) => [a.total, a.asOf.getTime(), a.ageSeconds])).toEqual([
      [2, now.getTime(), 0],
      [2, now.getTime(), 0],
    ])
  })
})
