// How long a failed job waits before BullMQ runs it again: exponential from 5 s, but never sooner than the
// Retry-After its failure carries (`retryAfterMs` on a throttled Microsoft error, or on onboarding's
// "retry later"). Graph throttles per app and tenant (https://learn.microsoft.com/graph/throttling), and the
// next attempt may run in another worker process, which knows nothing of the wait the first one was given.

/** The job option naming the strategy below; BullMQ calls the worker's `backoffStrategy` for it. */
export const JOB_BACKOFF = { type: 'exponential-after-retry-after', delay: 5_000 } as const

/** A Retry-After longer than this is not waited for in the queue (the job's attempts run out instead). */
const MAX_RETRY_AFTER_MS = 3_600_000

/** Milliseconds before attempt `attemptsMade + 1`, given the error attempt `attemptsMade` ended with. */
export function jobRetryDelayMs(attemptsMade: number, error: unknown): number {
  const exponential = Math.round(2 ** Math.max(0, attemptsMade - 1) * JOB_BACKOFF.delay)
  const asked = retryAfterMsOf(error)
  return asked === undefined ? exponential : Math.max(exponential, Math.min(asked, MAX_RETRY_AFTER_MS))
}

function retryAfterMsOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('retryAfterMs' in error)) return undefined
  const ms = error.retryAfterMs
  return typeof ms === 'number' && Number.isFinite(ms) && ms > 0 ? Math.ceil(ms) : undefined
}
