// A failed job waits for the Retry-After its failure carries before BullMQ runs it again (real BullMQ and
// Redis): the next attempt may run in another process, which would otherwise ask the throttled tenant early.
import { randomBytes, randomUUID } from 'node:crypto'
import { JobQueues, createRedis, jobRetryDelayMs } from '@crosstrust/jobs'
import { createLogger } from '@crosstrust/logger'
import type { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startWorkers, type WorkerSet } from '../src/worker.ts'

const prefix = `t${randomBytes(6).toString('hex')}`
let redis: Redis
let queues: JobQueues
let workers: WorkerSet | undefined

beforeAll(() => {
  redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')
  queues = new JobQueues(redis, prefix)
})
afterAll(async () => {
  await workers?.close()
  await queues.queue('onboard').obliterate({ force: true })
  await queues.close()
  redis.disconnect()
})

class Throttled extends Error {
  constructor(readonly retryAfterMs: number) {
    super('throttled')
  }
}

describe('job retry delay', () => {
  it('is exponential from 5 s, never sooner than a Retry-After, which is capped at an hour', () => {
    expect([1, 2, 3].map((n) => jobRetryDelayMs(n, new Error('x')))).toEqual([5_000, 10_000, 20_000])
    expect(jobRetryDelayMs(1, new Throttled(42_000))).toBe(42_000)
    expect(jobRetryDelayMs(3, new Throttled(1_000))).toBe(20_000)
    expect(jobRetryDelayMs(1, new Throttled(10 * 3_600_000))).toBe(3_600_000)
    expect(jobRetryDelayMs(1, { retryAfterMs: Number.NaN })).toBe(5_000)
  })

  it('a job whose failure carries a Retry-After runs again only after it', async () => {
    const starts: number[] = []
    workers = startWorkers({
      connection: redis,
      prefix,
      registry: {
        onboard: () => {
          starts.push(Date.now())
          return starts.length === 1 ? Promise.reject(new Throttled(6_500)) : Promise.resolve()
        },
      },
      logger: createLogger({ name: 'backoff-test', level: 'silent' }),
      tuning: () => ({ concurrency: 1 }),
      shutdownGraceMs: 1_000,
    })
    await queues.enqueue('onboard', { customerId: randomUUID(), consentReceivedAt: new Date().toISOString() })
    const deadline = Date.now() + 20_000
    while (starts.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
    const [first = 0, second = 0] = starts
    expect(starts).toHaveLength(2)
    expect(second - first).toBeGreaterThanOrEqual(6_500)
  }, 30_000)
})
