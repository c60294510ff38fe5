// What the product's database sessions are doing while a scenario runs: every 500 ms, the sessions of the
// benchmark's database that are not idle, by wait event (pg_stat_activity). It answers "where do
// transactions wait": on a lock (`Lock:advisory`, `Lock:tuple`), on the disk (`IO:WALSync`), or on the
// application sending its next statement (`Client:ClientRead` while `idle in transaction`). Sampled over an
// administrator's connection: PostgreSQL shows another role's session state only to a superuser or a member
// of pg_read_all_stats, and the product connects as its own role.
import { adminUrl } from '@crosstrust/testkit'
import pg from 'pg'
import type { BenchDatabase } from '../context.ts'

export interface DbWaits {
  /** Sessions seen busy (one per session per sample). */
  sessionSamples: number
  /** Those samples by `<wait_event_type>:<wait_event>` (or `running`), with the session state when in a transaction. */
  byWait: Record<string, number>
}

export function sampleDbWaits(db: BenchDatabase, intervalMs = 500): { stop(): Promise<DbWaits> } {
  const byWait = new Map<string, number>()
  let sessionSamples = 0
  const admin = new pg.Client({ connectionString: adminUrl() })
  let pending: Promise<unknown> = admin.connect()
  const timer = setInterval(() => {
    pending = pending.then(async () => {
      const { rows } = await admin.query<{ wait: string; n: number }>(
        `SELECT coalesce(wait_event_type || ':' || wait_event, 'running')
                || CASE WHEN state = 'idle in transaction' THEN ' (idle in transaction)' ELSE '' END AS wait,
                count(*)::int AS n
         FROM pg_stat_activity
         WHERE datname = $1 AND pid <> pg_backend_pid() AND state <> 'idle' AND backend_type = 'client backend'
         GROUP BY 1`,
        [db.name],
      )
      for (const row of rows) {
        byWait.set(row.wait, (byWait.get(row.wait) ?? 0) + row.n)
        sessionSamples += row.n
      }
    })
  }, intervalMs)
  return {
    async stop() {
      clearInterval(timer)
      await pending
      await admin.end()
      const top = [...byWait].sort((a, b) => b[1] - a[1]).slice(0, 6)
      return { sessionSamples, byWait: Object.fromEntries(top) }
    },
  }
}
