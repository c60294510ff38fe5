// The sweep asks for the consent-link cleanup on every run; the hour in the job's id makes it one job per
// hour however often the sweep runs. Real Redis (BullMQ); no worker runs, so enqueued jobs stay waiting.
import { randomBytes } from 'node:crypto'
import { JobQueues, createRedis } from '@crosstrust/jobs'
import type { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { enqueueLinkCleanup } from '../src/processors/link-cleanup.ts'

let redis: Redis
let queues: JobQueues

beforeAll(() => {
  redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')
  queues = new JobQueues(redis, `t${randomBytes(6).toString('hex')}`)
})

afterAll(async () => {
  await queues.queue('link-cleanup').obliterate({ force: true })
  await queues.close()
  await redis.quit()
})

describe('enqueueLinkCleanup', () => {
  it('enqueues one cleanup job per hour', async () => {
    await enqueueLinkCleanup({ queues }, new Date('2026-12-03T10:00:05Z'))
    await enqueueLinkCleanup({ queues }, new Date('2026-12-03T10:59:59Z'))
    await enqueueLinkCleanup({ queues }, new Date('2026-12-03T11:00:00Z'))
    const jobs = await queues.queue('link-cleanup').getJobs(['waiting'])
    expect(jobs.map((job) => job.id).sort()).toEqual([
      `link-cleanup-${Date.parse('2026-12-03T10:00:00Z')}`,
      `link-cleanup-${Date.parse('2026-12-03T11:00:00Z')}`,
    ])
  })
})
