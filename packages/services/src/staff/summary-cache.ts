import type { Db } from '@crosstrust/db'
import { summaryCounts, type SummaryCounts } from './summary.ts'

// The overview summary for busy surfaces: counting 100,000 customers on every request costs tens of
// milliseconds of PostgreSQL time, so the counts are reused for a few seconds and say how old they are.
// Concurrent requests while a count runs share it. `summaryCounts` itself stays exact (no cache).

export const SUMMARY_MAX_AGE_MS = 5_000

export interface StaleSummary extends SummaryCounts {
  /** When these counts were taken (PostgreSQL's answer); show it as "as of …". */
  asOf: Date
  /** Age of the counts at the time of the request, in whole seconds (0 = just counted). */
  ageSeconds: number
}

export interface SummaryCache {
  get(db: Db, now?: Date): Promise<StaleSummary>
}

export function createSummaryCache(opts: { maxAgeMs?: number } = {}): SummaryCache {
  const maxAgeMs = opts.maxAgeMs ?? SUMMARY_MAX_AGE_MS
  let latest: { counts: SummaryCounts; asOf: Date } | null = null
  let running: Promise<{ counts: SummaryCounts; asOf: Date }> | null = null
  return {
    async get(db, now = new Date()) {
      if (latest === null || now.getTime() - latest.asOf.getTime() > maxAgeMs) {
        running ??= summaryCounts(db, now)
          .then((counts) => {
            latest = { counts, asOf: now }
            return latest
          })
          .finally(() => {
            running = null
          })
        await running
      }
      const current = latest
      if (current === null) throw new Error('summary cache: no counts after counting')
      const ageMs = Math.max(0, now.getTime() - current.asOf.getTime())
      return { ...current.counts, asOf: current.asOf, ageSeconds: Math.floor(ageMs / 1000) }
    },
  }
}
