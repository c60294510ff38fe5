import type { CheckRunOutcome, ComplianceState } from '@crosstrust/core'
import { Prisma, type Db, type Tx } from '@crosstrust/db'

// Every run (onboarding's first verification, a check, an apply, an offboarding, a skipped check) is written
// here, the same way. One SQL statement records a run AND moves the customer on: a data-modifying CTE inserts the check_runs
// row and updates customers in the same statement (atomic without BEGIN/COMMIT). Scheduled checks are the
// bulk of the database load (100,000 customers × 4 a day), so an unchanged check costs exactly this one
// statement; state changes add audit/notification rows in a transaction around it.

export type RunKind = 'onboard' | 'check' | 'apply' | 'offboard'
export type RunTrigger = 'schedule' | 'staff' | 'onboarding' | 'rollout' | 'system'
export type RunOutcome = CheckRunOutcome | 'skipped' | 'failed' | 'offboarded'
export type ComplianceStateValue = ComplianceState

export interface RunRow {
  customerId: string
  kind: RunKind
  trigger: RunTrigger
  outcome: RunOutcome
  policyVersion: number | null
  diff: unknown
  observedSnapshot: unknown
  observedHash: string | null
  before: unknown
  after: unknown
  errorCode: string | null
  errorMessage: string | null
  graphRequestId: string | null
  durationMs: number
  startedAt: Date
  finishedAt: Date
  actor: string
}

/** Customer columns a run may set; `undefined` leaves a column alone, `null` clears it. */
export interface CustomerPatch {
  complianceState?: ComplianceStateValue
  complianceChangedAt?: Date
  onboardingState?: 'offboarded'
  currentDiff?: unknown
  lastCheckAt?: Date
  nextCheckAt?: Date | null
  /** Only move nextCheckAt when it is still due (<= this time): a skipped check must not postpone work. */
  onlyIfDueBy?: Date
  compliantPolicyVersion?: number
  lastObservedHash?: string
  lastObservedSnapshot?: unknown
  consecutiveFailures?: number
  backoffUntil?: Date | null
  lastFailureReason?: string | null
  offboardedAt?: Date
  /** The default policy as this check read it (core's `encodeDefaultPolicyReading`), and the check's start. */
  defaultPolicyFingerprint?: string
  defaultPolicySeenAt?: Date
  /** Point lastCheckRunId at the new run (not for skipped runs: the latest real result stays visible). */
  linkRun: boolean
}

const jsonb = (value: unknown): Prisma.Sql =>
  value === undefined || value === null ? Prisma.sql`NULL` : Prisma.sql`${JSON.stringify(value)}::jsonb`

const COLUMNS: [keyof CustomerPatch, string, string | null][] = [
  ['complianceState', 'compliance_state', 'compliance_state'],
  ['complianceChangedAt', 'compliance_changed_at', 'timestamptz'],
  ['onboardingState', 'onboarding_state', 'onboarding_state'],
  ['lastCheckAt', 'last_check_at', 'timestamptz'],
  ['nextCheckAt', 'next_check_at', 'timestamptz'],
  ['compliantPolicyVersion', 'compliant_policy_version', 'int'],
  ['lastObservedHash', 'last_observed_hash', null],
  ['consecutiveFailures', 'consecutive_failures', 'int'],
  ['backoffUntil', 'backoff_until', 'timestamptz'],
  ['lastFailureReason', 'last_failure_reason', null],
  ['offboardedAt', 'offboarded_at', 'timestamptz'],
  ['defaultPolicyFingerprint', 'default_policy_fingerprint', null],
  ['defaultPolicySeenAt', 'default_policy_seen_at', 'timestamptz'],
]

function setClauses(patch: CustomerPatch): Prisma.Sql[] {
  const sets: Prisma.Sql[] = [Prisma.sql`updated_at = now()`]
  for (const [key, column, cast] of COLUMNS) {
    const value = patch[key]
    if (value === undefined) continue
    const col = Prisma.raw(column)
    if (value === null) sets.push(Prisma.sql`${col} = NULL`)
    else if (cast === null) sets.push(Prisma.sql`${col} = ${value}`)
    else sets.push(Prisma.sql`${col} = ${value}::${Prisma.raw(cast)}`)
  }
  if (patch.currentDiff !== undefined) sets.push(Prisma.sql`current_diff = ${jsonb(patch.currentDiff)}`)
  if (patch.lastObservedSnapshot !== undefined)
    sets.push(Prisma.sql`last_observed_snapshot = ${jsonb(patch.lastObservedSnapshot)}`)
  if (patch.linkRun) sets.push(Prisma.sql`last_check_run_id = run.id`)
  return sets
}

/**
 * Inserts the run and applies `patch` to the customer in ONE statement. The customer is only touched while
 * it is still in `expectState` (a check finishing after staff started offboarding must not reschedule it).
 * Returns the run id and whether the customer row was updated.
 */
export async function persistRun(
  db: Db | Tx,
  run: RunRow,
  patch: CustomerPatch,
  expectState: 'onboarded' | 'offboarding',
): Promise<{ runId: string; customerUpdated: boolean }> {
  const dueGuard =
    patch.onlyIfDueBy === undefined
      ? Prisma.empty
      : Prisma.sql`AND c.next_check_at <= ${patch.onlyIfDueBy}::timestamptz`
  const rows = await db.$queryRaw<{ id: string; updated: number }[]>`
    WITH run AS (
      INSERT INTO check_runs (customer_id, kind, trigger, outcome, policy_version, diff, observed_snapshot,
        observed_hash, before, after, error_code, error_message, graph_request_id, duration_ms, started_at,
        finished_at, actor)
      VALUES (${run.customerId}::uuid, ${run.kind}::check_run_kind, ${run.trigger}::check_trigger,
        ${run.outcome}::check_outcome, ${run.policyVersion}::int, ${jsonb(run.diff)},
        ${jsonb(run.observedSnapshot)}, ${run.observedHash}, ${jsonb(run.before)}, ${jsonb(run.after)},
        ${run.errorCode}, ${run.errorMessage}, ${run.graphRequestId}, ${run.durationMs}::int,
        ${run.startedAt}::timestamptz, ${run.finishedAt}::timestamptz, ${run.actor})
      RETURNING id
    ), upd AS (
      UPDATE customers c SET ${Prisma.join(setClauses(patch), ', ')}
      FROM run
      WHERE c.id = ${run.customerId}::uuid AND c.onboarding_state = ${expectState}::onboarding_state ${dueGuard}
      RETURNING c.id
    )
    SELECT run.id::text AS id, (SELECT count(*) FROM upd)::int AS updated FROM run`
  const row = rows[0]
  if (!row) throw new Error('check run insert returned no row')
  return { runId: row.id, customerUpdated: row.updated > 0 }
}
