import type { JobKind, JobPayload } from '@crosstrust/jobs'
import type { Logger } from '@crosstrust/logger'

export interface JobContext {
  jobId: string
  attempt: number
  /** The job's attempt budget (BullMQ `attempts`); the last attempt should fail for good, not ask again. */
  maxAttempts: number
  logger: Logger
  /** Aborted when the worker is shutting down; long waits (retry sleeps) should honour it. */
  signal: AbortSignal
  /**
   * Puts the job back as delayed for `delayMs` without using up an attempt (e.g. its tenant is busy) and
   * ends this run; always throws, so `return ctx.retryLater(ms)` / `await` it as the last statement.
   */
  retryLater: (delayMs: number) => Promise<never>
}

export type Processor<K extends JobKind> = (payload: JobPayload<K>, ctx: JobContext) => Promise<unknown>

/**
 * A processor for every job kind, each typed by its payload: adding a kind to @crosstrust/jobs without a
 * processor here is a type error in the composition (processors.ts).
 */
export type ProcessorRegistry = { [K in JobKind]: Processor<K> }

/** The job kinds one worker process runs (all of them in production; a few in some tests). */
export type ProcessorSet = Partial<ProcessorRegistry>

/** A service's `log` callback that writes to the job's logger (job id and customer id already bound). */
export function jobLog(job: JobContext) {
  return (msg: string, fields?: Record<string, unknown>) => {
    job.logger.info(fields ?? {}, msg)
  }
}

export interface QueueTuning {
  concurrency: number
  /** Long Graph retries must not be mistaken for stalled jobs. */
  lockDurationMs?: number
}
