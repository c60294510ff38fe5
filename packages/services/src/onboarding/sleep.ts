/**
 * Waits `ms`, or rejects as soon as the job is aborted (worker shutdown, lock lost). The signal is the
 * worker's one shutdown signal, shared by every job of the process for its whole life: the listener is
 * removed when the wait ends, or each wait would leave one behind on it for good.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new Error('aborted'))
      return
    }
    const onAbort = () => {
      clearTimeout(timer)
      reject(new Error('aborted'))
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
