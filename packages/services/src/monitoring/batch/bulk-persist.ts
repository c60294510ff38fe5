import type { Db } from '@crosstrust/db'
import { trustColumns } from '../../effective-trust/persist-trust.ts'
import type { CheckTrust } from '../check-trust.ts'
import type { CheckRecord } from '../check-record.ts'

/** One check of a batch whose writes need no transaction: its state did not change and nothing was repaired. */
export interface RoutineCheck {
  record: CheckRecord
  /** Stored only when the verdict is new or unchanged (a change notifies: it goes the per-customer way). */
  trust: CheckTrust | null
}

/**
 * Writes a batch's routine checks in ONE statement: a data-modifying CTE over one JSON parameter inserts
 * every run, moves every customer on (only while still onboarded, as persistRun does for one) and upserts
 * every unchanged trust verdict. That statement is the whole database cost of a routine check, amortised
 * over the batch; anything with a state change, a repair or a changed verdict is written per customer in a
 * transaction with its audit events and notifications.
 */
export async function persistRoutineChecks(
  db: Db,
  checks: readonly RoutineCheck[],
  now: Date,
): Promise<{ runs: number; customers: number; trust: number }> {
  if (checks.length === 0) return { runs: 0, customers: 0, trust: 0 }
  const rows = checks.map(({ record, trust }) => {
    if (record.stateChanged) throw new Error('a state change is not a routine check')
    const { run, patch } = record
    const verdict = trust === null ? null : trustColumns(trust.evaluation.result)
    return {
      customer_id: run.customerId,
      kind: run.kind,
      trigger: run.trigger,
      outcome: run.outcome,
      policy_version: run.policyVersion,
      diff: run.diff,
      observed_snapshot: run.observedSnapshot,
      observed_hash: run.observedHash,
      before: run.before,
      after: run.after,
      error_code: run.errorCode,
      error_message: run.errorMessage,
      graph_request_id: run.graphRequestId,
      duration_ms: run.durationMs,
      started_at: run.startedAt,
      finished_at: run.finishedAt,
      actor: run.actor,
      last_check_at: patch.lastCheckAt ?? null,
      next_check_at: patch.nextCheckAt ?? null,
      consecutive_failures: patch.consecutiveFailures ?? 0,
      backoff_until: patch.backoffUntil ?? null,
      last_failure_reason: patch.lastFailureReason ?? null,
      compliant_policy_version: patch.compliantPolicyVersion ?? null,
      set_diff: patch.currentDiff !== undefined,
      current_diff: patch.currentDiff ?? null,
      last_observed_hash: patch.lastObservedHash ?? null,
      set_snapshot: patch.lastObservedSnapshot !== undefined,
      last_observed_snapshot: patch.lastObservedSnapshot ?? null,
      default_policy_fingerprint: patch.defaultPolicyFingerprint ?? null,
      default_policy_seen_at: patch.defaultPolicySeenAt ?? null,
      trust_verdict: verdict?.verdict ?? null,
      trust_reason: verdict?.reason ?? null,
      trust_fix: verdict?.fix ?? null,
      trust_findings: verdict?.findings ?? null,
      trust_missing: verdict?.missingPermissions ?? [],
    }
  })
  const result = await db.$queryRaw<{ runs: number; customers: number; trust: number }[]>`
    WITH input AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS i(
        customer_id uuid, kind check_run_kind, trigger check_trigger, outcome check_outcome,
        policy_version int, diff jsonb, observed_snapshot jsonb, observed_hash text, before jsonb,
        after jsonb, error_code text, error_message text, graph_request_id text, duration_ms int,
        started_at timestamptz, finished_at timestamptz, actor text, last_check_at timestamptz,
        next_check_at timestamptz, consecutive_failures int, backoff_until timestamptz,
        last_failure_reason text, compliant_policy_version int, set_diff boolean, current_diff jsonb,
        last_observed_hash text, set_snapshot boolean, last_observed_snapshot jsonb,
        default_policy_fingerprint text, default_policy_seen_at timestamptz,
        trust_verdict trust_verdict, trust_reason text, trust_fix text, trust_findings jsonb,
        trust_missing jsonb)
    ), runs AS (
      INSERT INTO check_runs (customer_id, kind, trigger, outcome, policy_version, diff, observed_snapshot,
        observed_hash, before, after, error_code, error_message, graph_request_id, duration_ms, started_at,
        finished_at, actor)
      SELECT customer_id, kind, trigger, outcome, policy_version, diff, observed_snapshot, observed_hash,
        before, after, error_code, error_message, graph_request_id, duration_ms, started_at, finished_at, actor
      FROM input
      RETURNING id, customer_id
    ), moved AS (
      UPDATE customers c SET updated_at = now(), last_check_at = i.last_check_at,
        next_check_at = i.next_check_at, consecutive_failures = i.consecutive_failures,
        backoff_until = i.backoff_until, last_failure_reason = i.last_failure_reason,
        compliant_policy_version = COALESCE(i.compliant_policy_version, c.compliant_policy_version),
        current_diff = CASE WHEN i.set_diff THEN i.current_diff ELSE c.current_diff END,
        last_observed_hash = COALESCE(i.last_observed_hash, c.last_observed_hash),
        last_observed_snapshot =
          CASE WHEN i.set_snapshot THEN i.last_observed_snapshot ELSE c.last_observed_snapshot END,
        -- A check that did not read the default policy keeps the last fingerprint and when it was seen.
        default_policy_fingerprint = COALESCE(i.default_policy_fingerprint, c.default_policy_fingerprint),
        default_policy_seen_at = COALESCE(i.default_policy_seen_at, c.default_policy_seen_at),
        last_check_run_id = runs.id
      FROM input i JOIN runs ON runs.customer_id = i.customer_id
      WHERE c.id = i.customer_id AND c.onboarding_state = 'onboarded'
      RETURNING c.id
    ), trust AS (
      INSERT INTO customer_trust AS t (customer_id, verdict, reason, fix, findings, missing_permissions,
        evaluated_at, changed_at)
      SELECT customer_id, trust_verdict, trust_reason, trust_fix, trust_findings,
        ARRAY(SELECT jsonb_array_elements_text(trust_missing)), ${now}::timestamptz, ${now}::timestamptz
      FROM input WHERE trust_verdict IS NOT NULL
      ON CONFLICT (customer_id) DO UPDATE SET reason = EXCLUDED.reason, fix = EXCLUDED.fix,
        findings = EXCLUDED.findings, missing_permissions = EXCLUDED.missing_permissions,
        evaluated_at = EXCLUDED.evaluated_at
      -- A verdict that changed since the claim read it is left for the next check, never overwritten silently.
      WHERE t.verdict = EXCLUDED.verdict
      RETURNING t.customer_id
    )
    SELECT (SELECT count(*) FROM runs)::int AS runs, (SELECT count(*) FROM moved)::int AS customers,
      (SELECT count(*) FROM trust)::int AS trust`
  return result[0] ?? { runs: 0, customers: 0, trust: 0 }
}
