import { jobDefinitions, jobRetryDelayMs, type JobKind } from '@crosstrust/jobs'
import { withContext, type Logger } from '@crosstrust/logger'
import { DelayedError, Worker, type ConnectionOptions } from 'bullmq'
import type { Processor, ProcessorSet, QueueTuning } from './registry.ts'

export type { JobContext, Processor, ProcessorRegistry, ProcessorSet, QueueTuning } from './registry.ts'

/**
 * BullMQ lock per active job unless the queue's tuning says otherwise: two minutes, longer than a Graph call
 * with its Retry-After waits, so a job in a long retry is not taken for stalled and run twice.
 */
export const DEFAULT_JOB_LOCK_DURATION_MS = 120_000
/** On shutdown, active jobs get this long to finish before their waits are aborted (then they re-run). */
export const DEFAULT_SHUTDOWN_GRACE_MS = 10_000

export interface WorkerSet {
  workers: Worker[]
  /** Stops taking jobs, lets active ones finish (or return to the queue after the lock expires), then closes. */
  close(): Promise<void>
}

export function startWorkers(opts: {
  connection: ConnectionOptions
  prefix: string
  registry: ProcessorSet
  logger: Logger
  tuning: (kind: JobKind) => QueueTuning
  shutdownGraceMs?: number
}): WorkerSet {
  const shutdown = new AbortController()
  const workers = (Object.keys(opts.registry) as JobKind[]).map((kind) => {
    const processor = opts.registry[kind] as Processor<JobKind>
    const schema = jobDefinitions[kind].payload
    const tuning = opts.tuning(kind)
    const worker = new Worker(
      jobDefinitions[kind].queue,
      async (job, token) => {
        const payload = schema.parse(job.data)
        const logger = withContext(opts.logger, {
          jobId: job.id ?? 'unknown',
          customerId: 'customerId' in payload ? payload.customerId : undefined,
        })
        return processor(payload, {
          jobId: job.id ?? 'unknown',
          attempt: job.attemptsMade + 1,
          maxAttempts: job.opts.attempts ?? 1,
          logger,
          signal: shutdown.signal,
          retryLater: async (delayMs) => {
            await job.moveToDelayed(Date.now() + delayMs, token)
            throw new DelayedError()
          },
        })
      },
      {
        connection: opts.connection,
        prefix: opts.prefix,
        concurrency: tuning.concurrency,
        lockDuration: tuning.lockDurationMs ?? DEFAULT_JOB_LOCK_DURATION_MS,
        autorun: true,
        settings: { backoffStrategy: (attemptsMade, _type, error) => jobRetryDelayMs(attemptsMade, error) },
      },
    )
    worker.on('failed', (job, err) => {
      opts.logger.warn({ kind, jobId: job?.id, err: { message: err.message, name: err.name } }, 'job failed')
    })
    worker.on('error', (err) => {
      opts.logger.error({ kind, err: { message: err.message } }, 'worker error')
    })
    return worker
  })
  opts.logger.info({ kinds: Object.keys(opts.registry) }, 'workers started')
  return {
    workers,
    close: async () => {
      // Give active jobs a grace period to finish; then abort their waits so they fail fast and BullMQ
      // hands them to another worker (jobs are idempotent, so a re-run is safe).
      const grace = setTimeout(() => {
        shutdown.abort()
      }, opts.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS)
      await Promise.all(workers.map((w) => w.close()))
      clearTimeout(grace)
    },
  }
}
