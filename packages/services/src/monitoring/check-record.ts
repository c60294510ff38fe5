import {
  checkFailureReason,
  compactDiff,
  encodeDefaultPolicyReading,
  hashSnapshot,
  scheduleAfterCheck,
  snapshotOwnedFields,
  type CheckOutcomeDecision,
  type DefaultPolicyChange,
  type Evaluation,
} from '@crosstrust/core'
import { ThrottledError, TransientError, type GraphPartner, type MicrosoftError } from '@crosstrust/microsoft'
import type { CheckAttribution } from '../attribution/check-attribution.ts'
import type { CustomerPatch, RunRow, RunTrigger } from '../runs/persist-run.ts'
import type { CheckCustomer, CheckTarget, TenantRead } from './check-read.ts'
import type { RepairResult } from './check-repair.ts'
import { errorCodeOf, errorMessageOf } from './classify-error.ts'
import type { MonitoringSettings } from './settings.ts'

/** Everything one check learned, from the claim to the decision; the record and notifications come from it. */
export interface CheckFacts {
  kind: 'check' | 'apply'
  trigger: RunTrigger
  customer: CheckCustomer
  target: CheckTarget
  /** The entry as first read (the run's `before` when a repair was sent). */
  observed: GraphPartner | null
  initialEvaluation: Evaluation | null
  /** The read as it stands after the repair (a repair refused for lost access replaces it). */
  read: TenantRead
  repair: RepairResult | null
  decision: CheckOutcomeDecision
  finalObserved: GraphPartner | null
  finalEvaluation: Evaluation | null
  requestIds: readonly string[]
  /** Who changed it, when this check found drift or a changed default policy (null otherwise): stored beside the run. */
  attribution: CheckAttribution | null
  /** The default policy as this check read it, against the fingerprint stored before. */
  defaultPolicy: DefaultPolicyChange
  startedAt: Date
  durationMs: number
  now: Date
}

export interface CheckRecord {
  run: RunRow
  patch: CustomerPatch
  /** The compact diff kept on the run and the customer (undefined: leave the customer's alone). */
  diff: unknown
  stateChanged: boolean
}

/** The wait Microsoft asked for with the failure: a 429's, or a 503's (a TransientError keeps it too). */
function retryAfterMsOf(error: MicrosoftError | null): number | undefined {
  return error instanceof ThrottledError || error instanceof TransientError ? error.retryAfterMs : undefined
}

/** The run row and the customer's patch: new state, next check, failures, diff and snapshot. */
export function buildCheckRecord(settings: MonitoringSettings, facts: CheckFacts): CheckRecord {
  const { customer, target, read, repair, decision, finalEvaluation, now } = facts
  const { classification, readError } = read
  // Snapshot: stored on the run only when it differs from the customer's last one.
  const snapshot =
    finalEvaluation === null ? undefined : snapshotOwnedFields(target.policy, facts.finalObserved)
  const hash = snapshot === undefined ? null : hashSnapshot(snapshot)
  const snapshotChanged = hash !== null && hash !== customer.lastObservedHash
  const diff =
    finalEvaluation !== null
      ? compactDiff(finalEvaluation, classification)
      : classification.outcome === 'access_lost'
        ? { status: 'access_lost', removalKind: classification.removalKind, fields: [] }
        : undefined
  const stateChanged = decision.nextState !== customer.complianceState

  const schedule = scheduleAfterCheck({
    now,
    intervalSeconds: customer.checkIntervalSeconds ?? settings.defaultCheckIntervalSeconds,
    customerId: customer.id,
    failed: decision.failed,
    consecutiveFailures: customer.consecutiveFailures,
    backoff: settings.backoff,
    acceptedExpiries: (finalEvaluation?.fields ?? []).flatMap((field) =>
      field.accepted?.expiresAt === undefined ? [] : [field.accepted.expiresAt],
    ),
    retryAfterMs: retryAfterMsOf(readError ?? repair?.error ?? null),
  })
  const patch: CustomerPatch = {
    linkRun: true,
    lastCheckAt: now,
    nextCheckAt: schedule.nextCheckAt,
    consecutiveFailures: schedule.consecutiveFailures,
    backoffUntil: schedule.backoffUntil,
    lastFailureReason: decision.failed
      ? decision.repairFailed
        ? (repair?.message ?? 'Repair failed.')
        : checkFailureReason(classification, readError?.message ?? null)
      : null,
  }
  if (stateChanged) {
    patch.complianceState = decision.nextState
    patch.complianceChangedAt = now
  }
  if (decision.nextState === 'compliant' && classification.outcome !== 'unknown') {
    patch.compliantPolicyVersion = target.policy.version
  }
  if (diff !== undefined) patch.currentDiff = diff
  if (facts.defaultPolicy.kind !== 'not_read') {
    patch.defaultPolicyFingerprint = encodeDefaultPolicyReading(facts.defaultPolicy.reading)
    patch.defaultPolicySeenAt = facts.startedAt
  }
  if (snapshotChanged) {
    patch.lastObservedHash = hash
    patch.lastObservedSnapshot = snapshot
  }

  const run: RunRow = {
    customerId: customer.id,
    kind: facts.kind,
    trigger: facts.trigger,
    outcome: decision.outcome,
    policyVersion: target.policy.version,
    diff: diff ?? null,
    observedSnapshot: snapshotChanged ? snapshot : null,
    observedHash: hash,
    before: repair === null ? null : facts.observed,
    after: repair === null ? null : repair.after,
    errorCode: readError
      ? errorCodeOf(readError)
      : repair?.error
        ? errorCodeOf(repair.error)
        : decision.repairFailed
          ? 'repair_not_verified'
          : null,
    errorMessage: readError ? errorMessageOf(readError) : (repair?.message ?? null),
    graphRequestId: facts.requestIds.at(-1) ?? null,
    durationMs: facts.durationMs,
    startedAt: facts.startedAt,
    finishedAt: now,
    actor: 'system',
  }
  return { run, patch, diff, stateChanged }
}
