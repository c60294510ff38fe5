// The cached overview summary: counts reused for a few seconds, with their age in the answer.
import { createTestDatabase, type TestDatabase } from '@crosstrust/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSummaryCache } from '../../src/index.ts'

const failTest = (err: unknown) => {
  throw new Error(`unexpected recount failure: ${String(err)}`)
}

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
  it('serves the same counts with their age; older than maxAgeMs, recounts in the background', async () => {
    await addCustomer('First')
    const cache = createSummaryCache({ maxAgeMs: 5_000, maxStaleMs: 60_000, onError: failTest })
    const t0 = new Date('2026-12-03T10:00:00.000Z')
    const first = await cache.get(db.prisma, t0)
    expect(first).toMatchObject({ total: 1, asOf: t0, ageSeconds: 0 })
    expect(first.needsAttention.failedOnboarding).toBe(1)

    await addCustomer('Second')
    const reused = await cache.get(db.prisma, new Date(t0.getTime() + 4_900))
    expect(reused).toMatchObject({ total: 1, asOf: t0, ageSeconds: 4 })

    // Stale: this request still gets the old counts at once, with their true age, and starts a recount.
    const later = new Date(t0.getTime() + 5_001)
    const stale = await cache.get(db.prisma, later)
    expect(stale).toMatchObject({ total: 1, asOf: t0, ageSeconds: 5 })
    await expect.poll(async () => (await cache.get(db.prisma, new Date(t0.getTime() + 5_500))).total).toBe(2)
    const recounted = await cache.get(db.prisma, new Date(t0.getTime() + 5_500))
    expect(recounted).toMatchObject({ total: 2, asOf: later, ageSeconds: 0 })
    expect(recounted.needsAttention.failedOnboarding).toBe(2)
  })

  it('counts before answering when the counts are older than maxStaleMs', async () => {
    const cache = createSummaryCache({ maxAgeMs: 5_000, maxStaleMs: 60_000, onError: failTest })
    const t0 = new Date('2026-12-03T11:00:00.000Z')
    expect((await cache.get(db.prisma, t0)).total).toBe(2)
    await addCustomer('Third')
    const muchLater = new Date(t0.getTime() + 60_001)
    expect(await cache.get(db.prisma, muchLater)).toMatchObject({ total: 3, asOf: muchLater, ageSeconds: 0 })
  })

  it('concurrent requests on an empty cache share one count and one asOf', async () => {
    const cache = createSummaryCache({ onError: failTest })
    const now = new Date()
    const total = await db.prisma.customer.count()
    const answers = await Promise.all([cache.get(db.prisma, now), cache.get(db.prisma, now)])
    expect(answers.map((a) => [a.total, a.asOf.getTime(), a.ageSeconds])).toEqual([
      [total, now.getTime(), 0],
      [total, now.getTime(), 0],
    ])
  })

  it('a failed background recount goes to onError, serves the old counts, and the next request tries again', async () => {
    // The database as the cache sees it: every query fails while `down` is set (a dropped connection).
    let down = false
    const flaky = new Proxy(db.prisma, {
      get(target, prop, receiver) {
        if (down) throw new Error('database down')
        return Reflect.get(target, prop, receiver) as unknown
      },
    })
    const errors: unknown[] = []
    const cache = createSummaryCache({
      maxAgeMs: 5_000,
      maxStaleMs: 60_000,
      onError: (err) => errors.push(err),
    })
    const t0 = new Date('2026-12-03T12:00:00.000Z')
    const total = (await cache.get(flaky, t0)).total

    down = true
    const stale = await cache.get(flaky, new Date(t0.getTime() + 6_000))
    expect(stale).toMatchObject({ total, asOf: t0, ageSeconds: 6 })
    await expect.poll(() => errors.length).toBe(1)
    expect(errors[0]).toMatchObject({ message: 'database down' })

    // Not stuck "refreshing": the next stale request starts a new recount, which succeeds now.
    down = false
    await addCustomer('Fourth')
    const retry = new Date(t0.getTime() + 7_000)
    await cache.get(flaky, retry)
    await expect.poll(async () => (await cache.get(flaky, retry)).total).toBe(total + 1)
    expect(await cache.get(flaky, retry)).toMatchObject({ asOf: retry, ageSeconds: 0 })
    expect(errors).toHaveLength(1)
  })

  it('takes the attention list with the counts, as of the same moment', async () => {
    const cache = createSummaryCache({ maxAgeMs: 5_000, maxStaleMs: 60_000, onError: failTest })
    const t0 = new Date('2026-12-03T12:00:00.000Z')
    const first = await cache.get(db.prisma, t0)
    const failed = first.attentionItems.filter((i) => i.reason === 'failed_onboarding')
    expect(failed).toHaveLength(first.needsAttention.failedOnboarding)
    await addCustomer('Attention')
    // Within maxAgeMs the list is the one taken at t0, like the counts.
    const reused = await cache.get(db.prisma, new Date(t0.getTime() + 1_000))
    expect(reused.attentionItems).toEqual(first.attentionItems)
    const recounted = await cache.get(db.prisma, new Date(t0.getTime() + 61_000))
    expect(recounted.attentionItems.map((i) => i.name)).toContain('Attention')
    expect(recounted.attentionItems).toHaveLength(recounted.needsAttention.total)
  })
})
