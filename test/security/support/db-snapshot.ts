// Row counts and content checksums of the tables hostile requests could touch. Equal before and after ⇒
// nothing was created, changed or deleted.
import type { Db } from '@crosstrust/db'

export const WATCHED_TABLES = [
  'customers',
  'consent_links',
  'consent_states',
  'onboarding_steps',
  'audit_events',
  'check_runs',
  'accepted_deviations',
  'policy_versions',
  'webhook_endpoints',
  'webhook_deliveries',
  'notification_events',
  'policy_rollouts',
  'staff_sessions',
  'status_links',
  'status_sign_ins',
  'status_sessions',
  'email_deliveries',
] as const

export type DbSnapshot = Record<string, { rows: number; checksum: string }>

export async function dbSnapshot(db: Db): Promise<DbSnapshot> {
  const out: DbSnapshot = {}
  for (const table of WATCHED_TABLES) {
    // Table names come from the constant above, never from input.
    const rows = await db.$queryRawUnsafe<{ rows: bigint; checksum: string | null }[]>(
      `SELECT count(*) AS rows, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS checksum FROM ${table} t`,
    )
    const row = rows[0]
    out[table] = { rows: Number(row?.rows ?? -1), checksum: row?.checksum ?? '' }
  }
  return out
}

/** Tables whose count or checksum differ. */
export function changedTables(before: DbSnapshot, after: DbSnapshot): string[] {
  return Object.keys(before).filter(
    (t) => before[t]?.rows !== after[t]?.rows || before[t]?.checksum !== after[t]?.checksum,
  )
}
