import type { AcceptedDeviation, ComplianceState, LicenceLevel, MonitoringMode } from '@crosstrust/core'
import type { Db } from '@crosstrust/db'
import type { CheckCustomer } from '../check-read.ts'
import type { DueCheck } from '../due-work.ts'

/** A customer a batch claimed: what a check needs of it, read in the claiming statement itself. */
export interface ClaimedCheck {
  customer: CheckCustomer
  deviations: AcceptedDeviation[]
  /** The stored effective-trust verdict (null: never evaluated): an unchanged one is written in bulk. */
  trustVerdict: string | null
}

interface ClaimRow {
  id: string
  name: string
  tenant_id: string
  compliance_state: ComplianceState
  mode: MonitoringMode | null
  check_interval_seconds: number | null
  consecutive_failures: number
  next_check_at: Date | null
  last_observed_hash: string | null
  current_diff: unknown
  licence: LicenceLevel
  default_policy_fingerprint: string | null
  default_policy_seen_at: Date | null
  deviations: {
    id: string
    field: string
    acceptedValue: unknown
    expiresAt: string
    reason: string
    owner: string
  }[]
  trust_verdict: string | null
}

/**
 * Claims a batch of due checks and reads everything they need, in ONE statement: each customer's due time
 * moves to a lease (a compare-and-set on exactly the due time the sweep selected, as claimCustomer does for
 * one), and the claimed rows come back with their active accepted deviations and stored trust verdict.
 * Customers checked since, or no longer onboarded, are simply not returned. A batch that dies keeps its
 * claims until the lease passes; then the sweep picks those customers up again.
 */
export async function claimCheckBatch(
  db: Db,
  checks: readonly DueCheck[],
  now: Date,
  leaseSeconds: number,
): Promise<ClaimedCheck[]> {
  if (checks.length === 0) return []
  const ids = checks.map((c) => c.customerId)
  const dueAts = checks.map((c) => c.dueAt.toISOString())
  const leaseUntil = new Date(now.getTime() + leaseSeconds * 1000)
  const rows = await db.$queryRaw<ClaimRow[]>`
    WITH due AS (
      SELECT * FROM unnest(${ids}::uuid[], ${dueAts}::timestamptz[]) AS d(id, due_at)
    ), claimed AS (
      UPDATE customers c SET next_check_at = ${leaseUntil}::timestamptz
      FROM due
      WHERE c.id = due.id AND c.next_check_at = due.due_at
        AND c.onboarding_state = 'onboarded' AND c.tenant_id IS NOT NULL
      RETURNING c.id, c.name, c.tenant_id, c.compliance_state, c.mode, c.check_interval_seconds,
        c.consecutive_failures, c.next_check_at, c.last_observed_hash, c.current_diff, c.licence,
        c.default_policy_fingerprint, c.default_policy_seen_at
    )
    SELECT claimed.id::text AS id, claimed.name, claimed.tenant_id::text AS tenant_id,
      claimed.compliance_state::text AS compliance_state, claimed.mode::text AS mode,
      claimed.check_interval_seconds, claimed.consecutive_failures, claimed.next_check_at,
      claimed.last_observed_hash, claimed.current_diff, claimed.licence::text AS licence,
      claimed.default_policy_fingerprint, claimed.default_policy_seen_at,
      COALESCE((
        SELECT json_agg(json_build_object('id', d.id, 'field', d.field, 'acceptedValue', d.accepted_value,
          'expiresAt', d.expires_at, 'reason', d.reason, 'owner', d.owner) ORDER BY d.created_at, d.id)
        FROM accepted_deviations d
        WHERE d.customer_id = claimed.id AND d.revoked_at IS NULL AND d.expires_at > ${now}::timestamptz
      ), '[]'::json) AS deviations,
      (SELECT t.verdict::text FROM customer_trust t WHERE t.customer_id = claimed.id) AS trust_verdict
    FROM claimed`
  const order = new Map(ids.map((id, index) => [id, index]))
  return rows
    .sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0))
    .map((row) => ({
      customer: {
        id: row.id,
        name: row.name,
        tenantId: row.tenant_id,
        onboardingState: 'onboarded',
        complianceState: row.compliance_state,
        mode: row.mode,
        checkIntervalSeconds: row.check_interval_seconds,
        consecutiveFailures: row.consecutive_failures,
        nextCheckAt: row.next_check_at,
        lastObservedHash: row.last_observed_hash,
        currentDiff: row.current_diff as CheckCustomer['currentDiff'],
        licence: row.licence,
        defaultPolicyFingerprint: row.default_policy_fingerprint,
        defaultPolicySeenAt: row.default_policy_seen_at,
      },
      // Every stored deviation names the value it accepts (acceptDeviation fills in the observed one).
      deviations: row.deviations.map((d) => ({
        id: d.id,
        path: d.field,
        acceptedValue: d.acceptedValue,
        expiresAt: new Date(d.expiresAt),
        reason: d.reason,
        owner: d.owner,
      })),
      trustVerdict: row.trust_verdict,
    }))
}
