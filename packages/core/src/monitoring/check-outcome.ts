import type { Evaluation, EvaluationStatus } from '../policy/evaluate.ts'
import { hasRepairableDrift } from '../policy/evaluate.ts'
import type { CheckClassification } from './classify.ts'
import { decideAction, type MonitoringMode } from './decide-action.ts'

// The decisions of one check after the read (and the repair, if any): what to repair, what the run's outcome
// is, which compliance state the customer moves to, and why a failed check failed.

/** What a recorded check or apply concluded. */
export type CheckRunOutcome = 'compliant' | 'drifted' | 'remediated' | 'unknown' | 'access_lost' | 'removed'

/** The customer's last known compliance state, as stored. */
export type ComplianceState =
  'pending' | 'compliant' | 'drifted' | 'unknown' | 'access_lost' | 'removed_by_customer' | 'offboarded'

/**
 * `check`: repair per mode (decideAction). `apply` (staff or a rollout): create a missing entry or patch any
 * repairable drift whatever the mode. Nothing is repaired on a state we could not read.
 */
export function repairFor(
  kind: 'check' | 'apply',
  mode: MonitoringMode,
  classification: CheckClassification,
): 'create' | 'patch' | null {
  const evaluation = classification.evaluation
  if (evaluation === null) return null
  if (kind === 'check') return decideAction(mode, classification).repair
  if (evaluation.status === 'missing') return 'create'
  return hasRepairableDrift(evaluation) ? 'patch' : null
}

export interface CheckOutcomeInput {
  classification: CheckClassification
  /** The evaluation after the repair (or the initial one when nothing was repaired); null without a read. */
  finalStatus: EvaluationStatus | null
  /** A repair was attempted for this run. */
  repairAttempted: boolean
  /** The repair's read-back confirmed it. */
  repaired: boolean
  currentState: ComplianceState
}

export interface CheckOutcomeDecision {
  outcome: CheckRunOutcome
  nextState: ComplianceState
  /** A repair was attempted on drift and not confirmed. */
  repairFailed: boolean
  /** Counts as a failure: backs the customer off and skips the effective-trust refresh. */
  failed: boolean
}

/** The run's outcome and the customer's next state. `unknown` is not a state: the last known one stays. */
export function decideCheckOutcome(input: CheckOutcomeInput): CheckOutcomeDecision {
  const { classification, finalStatus, repaired, currentState } = input
  const repairFailed = input.repairAttempted && !repaired && classification.outcome === 'drifted'
  const failed =
    classification.outcome === 'unknown' || classification.outcome === 'access_lost' || repairFailed
  const decided = ((): { outcome: CheckRunOutcome; nextState: ComplianceState } => {
    if (classification.outcome === 'unknown') return { outcome: 'unknown', nextState: currentState }
    if (classification.outcome === 'access_lost') return { outcome: 'access_lost', nextState: 'access_lost' }
    if (finalStatus === 'compliant')
      return { outcome: repaired ? 'remediated' : 'compliant', nextState: 'compliant' }
    if (finalStatus === 'missing') return { outcome: 'removed', nextState: 'removed_by_customer' }
    return { outcome: repaired ? 'remediated' : 'drifted', nextState: 'drifted' }
  })()
  return { ...decided, repairFailed, failed }
}

/** The reason shown to staff for a read that failed or a consent that is gone. */
export function checkFailureReason(classification: CheckClassification, detail: string | null): string {
  if (classification.outcome === 'access_lost') {
    return classification.removalKind === 'app_removed'
      ? `The customer removed the partner app from their tenant (${classification.errorCode ?? 'app removed'}). Ask the customer's administrator to consent again with a new consent link.`
      : `Microsoft refused access (${classification.errorCode ?? 'access denied'}): admin consent was revoked or its permissions removed. Send a new consent link.`
  }
  return `Could not read the partner entry (${classification.errorCode ?? classification.errorKind ?? 'error'}); the check is retried with backoff.${detail === null ? '' : ` ${detail}`}`
}

/** The diff kept on the run and the customer: only fields that differ (accepted ones included), or null. */
export function compactDiff(evaluation: Evaluation, classification: CheckClassification): unknown {
  const fields = evaluation.fields
    .filter((field) => !field.ok)
    .map(({ path, label, desired, observed, remediation, accepted, drift }) => ({
      path,
      label,
      desired,
      observed,
      remediation,
      accepted,
      drift,
    }))
  if (fields.length === 0) return null
  return { status: evaluation.status, removalKind: classification.removalKind, fields }
}
