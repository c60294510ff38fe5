import type { Db } from '@crosstrust/db'
import { listNeedsAttention, MAX_ATTENTION_ITEMS, type AttentionItem } from './needs-attention.ts'
import { summaryCounts, type SummaryCounts } from './summary.ts'

// The overview summary for busy surfaces: counting 100,000 customers on every request costs tens of
// milliseconds of PostgreSQL time, and so does finding what needs attention among them, so both are taken
// together, reused, and say how old they are (the attention list as far as `MAX_ATTENTION_ITEMS`; a surface
// shows the first ones). Once they are older than
// `maxAgeMs`, the next request starts a recount in the background and still gets the previous counts at once
// (stale while revalidating): no request waits for a count except the very first, or when the counts are
// older than `maxStaleMs` (the recounts keep failing). Concurrent recounts are one. `summaryCounts` itself
// stays exact (no cache). A failed background recount goes to `onError` (required, so the composing app cannot
// forget to log it) and clears the running recount, so the next request past `maxAgeMs` tries again.

export const SUMMARY_MAX_AGE_MS = 5_000
export const SUMMARY_MAX_STALE_MS = 60_000

export interface StaleSummary extends SummaryCounts {
  /** What needs attention as of `asOf`, most recent first, at most `MAX_ATTENTION_ITEMS`. */
  attentionItems: AttentionItem[]
  /** When the count that produced these figures started (the request's time); show it as "as of …". */
  asOf: Date
  /** Age of the counts at the time of the request, in whole seconds (0 = just counted). */
  ageSeconds: number
}

export interface SummaryCache {
  get(db: Db, now?: Date): Promise<StaleSummary>
}

export interface SummaryCacheOptions {
  maxAgeMs?: number
  maxStaleMs?: number
  /** A background recount failed; the request that started it was already answered with older counts. */
  onError: (err: unknown) => void
}

export function createSummaryCache(opts: SummaryCacheOptions): SummaryCache {
  const maxAgeMs = opts.maxAgeMs ?? SUMMARY_MAX_AGE_MS
  const maxStaleMs = Math.max(maxAgeMs, opts.maxStaleMs ?? SUMMARY_MAX_STALE_MS)
  type Taken = { counts: SummaryCounts; items: AttentionItem[]; asOf: Date }
  let latest: Taken | null = null
  let running: Promise<Taken> | null = null
  const recount = (db: Db, now: Date) =>
    // Started inside a promise chain so even a synchronous throw becomes this recount's rejection.
    (running ??= Promise.resolve()
      .then(() =>
        Promise.all([summaryCounts(db, now), listNeedsAttention(db, { now, limit: MAX_ATTENTION_ITEMS })]),
      )
      .then(([counts, items]) => {
        latest = { counts, items, asOf: now }
        return latest
      })
      .finally(() => {
        running = null
      }))
  return {
    async get(db, now = new Date()) {
      const age = latest === null ? Infinity : now.getTime() - latest.asOf.getTime()
      if (age > maxStaleMs) await recount(db, now)
      else if (age > maxAgeMs)
        // In the background: this request answers with the counts it has, and says how old they are.
        recount(db, now).catch((err: unknown) => {
          opts.onError(err)
        })
      const current = latest
      if (current === null) throw new Error('summary cache: no counts after counting')
      const ageMs = Math.max(0, now.getTime() - current.asOf.getTime())
      return {
        ...current.counts,
        attentionItems: current.items,
        asOf: current.asOf,
        ageSeconds: Math.floor(ageMs / 1000),
      }
    },
  }
}
