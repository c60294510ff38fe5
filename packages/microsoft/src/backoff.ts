// Exponential backoff with jitter, and a sleep that never wakes up early.

export interface BackoffOptions {
  baseDelayMs: number
  maxDelayMs: number
}

/**
 * Delay before retry number `retry` (1 = first retry): base·2^(retry-1), capped, with "equal jitter"
 * (half fixed, half random) so synchronized clients spread out but never retry almost immediately.
 */
export function backoffDelay(
  retry: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, retry - 1))
  const half = exponential / 2
  return Math.round(half + random() * half)
}

/**
 * Sleeps at least `ms`. Node timers may fire a millisecond before Date.now() reaches the deadline, and a
 * Retry-After must never be undercut, so we re-check against the wall clock.
 */
export async function sleepAtLeast(ms: number, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + ms
  for (;;) {
    const remaining = deadline - Date.now()
    if (remaining <= 0) return
    await new Promise<void>((resolve, reject) => {
      if (signal?.aborted === true) {
        reject(signal.reason as Error)
        return
      }
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort)
        resolve()
      }, remaining + 1)
      const onAbort = (): void => {
        clearTimeout(timer)
        reject(signal?.reason as Error)
      }
      signal?.addEventListener('abort', onAbort, { once: true })
    })
  }
}
