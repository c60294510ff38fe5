// The sweep enqueues a due customer once until its job ends or its lease goes stale: two sweeps over a
// backlog add nothing the second time. Real PostgreSQL and Redis (BullMQ); no worker runs, so every
// enqueued batch of checks stays waiting, as in a backlog.
import { randomBytes, randomUUID } from 'node:crypto'
import { JobQueues, createRedis } from '@crosstrust/jobs'
import { createTestDatabase, type TestDatabase } from '@crosstrust/testkit'
import type { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runSweep, type SweepSettings } from '../src/sweep.ts'

const BACKLOG = 30
const LEASE_MS = 60_000
const settings: SweepSettings = {
  sweepIntervalMs: 30_000,
  sweepBatchSize: 7, // several leasing statements per sweep
  checkBatchSize: 5, // and several jobs per statement
  sweepMaxPerRun: 1_000,
  onboardingStaleMs: 3_600_000,
  checkEnqueueLeaseMs: LEASE_MS,
}

let db: TestDatabase
let redis: Redis
let queues: JobQueues
const prefix = `t${randomBytes(6).toString('hex')}`
/** Due checks (customer@dueAt) in the jobs handed to BullMQ's addBulk for the check-batch queue. */
let added: string[] = []
/** Job ids handed to addBulk. */
let addedJobIds: string[] = []

type BatchData = { checks: { customerId: string; dueAt: string }[] }
const checksOf = (data: unknown) =>
  (data as BatchData).checks.map((c) => `${c.customerId}@${Date.parse(c.dueAt)}`)

beforeAll(async () => {
  db = await createTestDatabase()
  redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')
  queues = new JobQueues(redis, prefix)
  const batches = queues.queue('check-batch')
  const addBulk = batches.addBulk.bind(batches)
  batches.addBulk = (jobs) => {
    added.push(...jobs.flatMap((j) => checksOf(j.data)))
    addedJobIds.push(...jobs.map((j) => j.opts?.jobId ?? ''))
    return addBulk(jobs)
  }
  const ids = Array.from({ length: BACKLOG }, () => randomUUID())
  await db.prisma.$executeRaw`
    INSERT INTO customers (name, tenant_id, expected_tenant_id, onboarding_state, compliance_state,
      compliance_changed_at, next_check_at, updated_at)
    SELECT 'Lease ' || t.ord, t.id, t.id, 'onboarded', 'compliant', now(), now() - interval '1 hour', now()
    FROM unnest(${ids}::uuid[]) WITH ORDINALITY AS t(id, ord)`
})
afterAll(async () => {
  for (const kind of ['check-batch', 'sweep'] as const) await queues.queue(kind).obliterate({ force: true })
  await queues.close()
  redis.disconnect()
  await db.drop()
})

async function waitingChecks(): Promise<string[]> {
  const jobs = await queues.queue('check-batch').getJobs(['waiting'])
  return jobs.flatMap((job) => checksOf(job.data))
}

async function sweep(at: Date) {
  added = []
  addedJobIds = []
  const result = await runSweep(db.prisma, queues, settings, at)
  return { enqueued: result.checks, added: added.length, waiting: (await waitingChecks()).length }
}

describe('the sweep over a backlog', () => {
  const t0 = new Date()
  const later = (ms: number) => new Date(t0.getTime() + ms)

  it('enqueues each due customer once; the next sweep adds nothing while the jobs wait', async () => {
    expect(await sweep(t0)).toEqual({ enqueued: BACKLOG, added: BACKLOG, waiting: BACKLOG })
    // 30 leased by statements of 7 (7, 7, 7, 7, 2), each cut into jobs of at most 5: 2 + 2 + 2 + 2 + 1.
    expect(addedJobIds).toHaveLength(9)
    expect(new Set(added).size).toBe(BACKLOG)
    expect(await sweep(later(30_000))).toEqual({ enqueued: 0, added: 0, waiting: BACKLOG })
  })

  it('a customer whose job ended is enqueued again at its next due time, under a new job id', async () => {
    const [first] = await db.prisma.customer.findMany({ orderBy: { name: 'asc' }, take: 1 })
    if (!first) throw new Error('no customer')
    // What a check does: it claims the due time (next_check_at moves on), then records its next due time.
    await db.prisma.customer.update({ where: { id: first.id }, data: { nextCheckAt: later(10_000) } })
    const result = await sweep(later(20_000))
    // Its old job still waits (a batch ends when all its checks end); that due time is claimed, so a
    // worker running it would find nothing to do for this customer.
    expect(result).toEqual({ enqueued: 1, added: 1, waiting: BACKLOG + 1 })
    expect(added).toEqual([`${first.id}@${String(later(10_000).getTime())}`])
  })

  it('a stale lease is enqueued again, once', async () => {
    // The backlog was leased at t0, the re-checked customer at t0 + 20 s.
    expect(await sweep(later(LEASE_MS - 1_000))).toEqual({ enqueued: 0, added: 0, waiting: BACKLOG + 1 })
    const before = new Set(await waitingChecks())
    const stale = await sweep(later(LEASE_MS + 1_000))
    expect(stale).toMatchObject({ enqueued: BACKLOG - 1, added: BACKLOG - 1 })
    // The stale 29 may be cut differently from the first time (the re-checked customer left its statement):
    // a job of the same checks keeps its id and is not added twice; a job cut differently waits beside the
    // old one, and whichever runs first claims each due time (the other finds nothing to claim).
    expect(new Set(await waitingChecks())).toEqual(before)
    expect(stale.waiting).toBeGreaterThanOrEqual(BACKLOG + 1)
    expect(stale.waiting).toBeLessThanOrEqual(2 * BACKLOG)
    expect(await sweep(later(LEASE_MS + 2_000))).toEqual({ enqueued: 0, added: 0, waiting: stale.waiting })
  })

  it('after Redis lost its data, the next sweep treats every lease as stale and rebuilds the queue', async () => {
    // Everything under our prefix is gone, as after FLUSHDB: jobs and the sweep's marker.
    const keys = await redis.keys(`${prefix}:*`)
    if (keys.length > 0) await redis.del(...keys)
    expect(await sweep(later(3 * LEASE_MS))).toEqual({
      enqueued: BACKLOG,
      added: BACKLOG,
      waiting: BACKLOG,
    })
  })
})
