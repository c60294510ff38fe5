// The worker's metrics wiring: processor outcomes (completed, failed, delayed) and webhook results are
// counted, and a taken WORKER_METRICS_PORT leaves the worker running without /metrics.
import { createServer } from 'node:net'
import { Writable } from 'node:stream'
import { createLogger } from '@crosstrust/logger'
import { DelayedError } from 'bullmq'
import { describe, expect, it } from 'vitest'
import { createWorkerMetrics, instrumentRegistry, serveWorkerMetrics } from '../src/metrics.ts'
import type { JobContext } from '../src/registry.ts'

const job = (): JobContext => ({
  jobId: 'j1',
  attempt: 1,
  maxAttempts: 1,
  logger: createLogger({ name: 'test', level: 'silent' }),
  signal: new AbortController().signal,
  retryLater: () => Promise.reject(new DelayedError()),
})
const CUSTOMER = { customerId: '00000000-0000-4000-8000-000000000001' }

describe('instrumentRegistry', () => {
  it('counts completed, failed and delayed runs by kind, and webhook outcomes', async () => {
    const metrics = createWorkerMetrics()
    const registry = instrumentRegistry(
      {
        check: async (_payload, ctx) => ctx.retryLater(1_000),
        apply: () => Promise.reject(new Error('boom')),
        notify: () => Promise.resolve('retry_scheduled'),
      },
      metrics.jobs,
    )
    const now = new Date().toISOString()
    await expect(
      registry.check?.({ ...CUSTOMER, trigger: 'staff', dueAt: now }, job()),
    ).rejects.toBeInstanceOf(DelayedError)
    await expect(
      registry.apply?.({ ...CUSTOMER, trigger: 'staff', requestedAt: now }, job()),
    ).rejects.toThrow('boom')
    await expect(registry.notify?.({ deliveryId: CUSTOMER.customerId }, job())).resolves.toBe(
      'retry_scheduled',
    )
    const text = await metrics.registry.metrics()
    expect(text).toContain('crosstrust_jobs_total{kind="check",outcome="delayed",service="worker"} 1')
    expect(text).toContain('crosstrust_jobs_total{kind="apply",outcome="failed",service="worker"} 1')
    expect(text).toContain('crosstrust_jobs_total{kind="notify",outcome="completed",service="worker"} 1')
    expect(text).toContain(
      'crosstrust_webhook_deliveries_total{outcome="retry_scheduled",service="worker"} 1',
    )
    expect(text).toContain(
      'crosstrust_job_duration_seconds_count{service="worker",kind="apply",outcome="failed"} 1',
    )
  })
})

describe('serveWorkerMetrics', () => {
  it('does not stop the worker when the port is taken, and says so', async () => {
    const blocker = createServer()
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
    const address = blocker.address()
    const port = typeof address === 'object' && address ? address.port : 0
    const lines: string[] = []
    const logger = createLogger({
      name: 'worker',
      level: 'info',
      destination: new Writable({
        write(chunk: Buffer, _e, done) {
          lines.push(chunk.toString())
          done()
        },
      }),
    })
    try {
      const server = await serveWorkerMetrics(
        { WORKER_METRICS_PORT: port, METRICS_TOKEN: undefined },
        createWorkerMetrics(),
        logger,
        { host: '127.0.0.1' },
      )
      expect(server).toBeUndefined()
      expect(lines.join('')).toContain('WORKER_METRICS_PORT is in use')
    } finally {
      blocker.close()
    }
  })

  it('is off with WORKER_METRICS_PORT=0', async () => {
    const logger = createLogger({ name: 'worker', level: 'silent' })
    expect(
      await serveWorkerMetrics(
        { WORKER_METRICS_PORT: 0, METRICS_TOKEN: undefined },
        createWorkerMetrics(),
        logger,
      ),
    ).toBeUndefined()
  })
})
