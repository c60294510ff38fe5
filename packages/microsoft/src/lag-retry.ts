// How long a call that Entra's eventual consistency answers with 404 (or 409) is retried before it counts.
export interface LagRetry {
  /** Total tries of the lagging read/PATCH. */
  attempts: number
  /** First wait; doubles each time. */
  delayMs: number
}

/** 4 tries over 1 + 2 + 4 s: Microsoft documents no duration, public reports say seconds. */
export const DEFAULT_LAG_RETRY: LagRetry = { attempts: 4, delayMs: 1_000 }
