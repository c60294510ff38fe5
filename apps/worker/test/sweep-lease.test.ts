// The sweep enqueues a due customer once until its job ends or its lease goes stale: two sweeps over a
// backlog add nothing the second time. Real PostgreSQL and Redis (BullMQ); no worker runs, so every
// enqueued check stays waiting, as in a backlog.
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
  sweepBatchSize: 7, // several batches per sweep
  sweepMaxPerRun: 1_000,
  onboardingStaleMs: 3_600_000,
  checkEnqueueLeaseMs: LEASE_MS,
}

let db: TestDatabase
let redis: Redis
let queues: JobQueues
const prefix = `t${randomBytes(6).toString('hex')}`
/** Jobs handed to BullMQ's addBulk for the check queue, over all sweeps. */
let added: string[] = []

beforeAll(async () => {
  db = await createTestDatabase()
  redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')
  queues = new JobQueues(redis, prefix)
  const checks = queues.queue('check')
  const addBulk = checks.addBulk.bind(checks)
  checks.addBulk = (jobs) => {
    added.push(...jobs.map((j) => j.opts?.jobId ?? ''))
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
  for (const kind of ['check', 'sweep'] as const) await queues.queue(kind).obliterate({ force: true })
  await queues.close()
  redis.disconnect()
  await db.drop()
})

async function sweep(at: Date) {
  added = []
  const result = await runSweep(db.prisma, queues, settings, at)
  return { enqueued: result.checks, added: added.length, waiting: await queues.queue('check').count() }
}

describe('the sweep over a backlog', () => {
  const t0 = new Date()
  const later = (ms: number) => new Date(t0.getTime() + ms)

  it('enqueues each due customer once; the next sweep adds nothing while the jobs wait', async () => {
    expect(await sweep(t0)).toEqual({ enqueued: BACKLOG, added: BACKLOG, waiting: BACKLOG })
    expect(await sweep(later(30_000))).toEqual({ enqueued: 0, added: 0, waiting: BACKLOG })
  })

  it('a customer whose job ended is enqueued again at its next due time, under a new job id', async () => {
    const [first] = await db.prisma.customer.findMany({ orderBy: { name: 'asc' }, take: 1 })
    if (!first) throw new Error('no customer')
    const jobs = await queues.queue('check').getJobs(['waiting'])
    const job = jobs.find((j) => (j.data as { customerId: string }).customerId === first.id)
    if (!job) throw new Error('no job for the customer')
    // What the check does: it claims the due time (next_check_at moves on) and its job ends.
    await job.remove()
    await db.prisma.customer.update({ where: { id: first.id }, data: { nextCheckAt: later(10_000) } })
    const result = await sweep(later(20_000))
    expect(result).toEqual({ enqueued: 1, added: 1, waiting: BACKLOG })
    expect(added).toEqual([`check-${first.id}-${String(later(10_000).getTime())}`])
  })

  it('a stale lease is enqueued again; the deterministic job id keeps one job per customer', async () => {
    // The backlog was leased at t0, the re-checked customer at t0 + 20 s.
    expect(await sweep(later(LEASE_MS - 1_000))).toEqual({ enqueued: 0, added: 0, waiting: BACKLOG })
    expect(await sweep(later(LEASE_MS + 1_000))).toEqual({
      enqueued: BACKLOG - 1,
      added: BACKLOG - 1,
      waiting: BACKLOG,
    })
  })

  it('after Redis lost its data, the next sweep treats every lease as stale and rebuilds the queue', async () => {
    // Everything under our prefix is gone, as after FLUSHDB: jobs and the sweep's marker.
    const keys = await redis.keys(`${prefix}:*`)
    if (keys.length > 0) await redis.del(...keys)
    expect(await sweep(later(LEASE_MS + 2_000))).toEqual({
      enqueued: BACKLOG,
      added: BACKLOG,
      waiting: BACKLOG,
    })
  })
})
