import { decideCheckOutcome, evaluatePartner, repairFor } from '@crosstrust/core'
import type { RunTrigger } from '../runs/persist-run.ts'
import { readTenant, type CheckCustomer, type CheckTarget } from './check-read.ts'
import { buildCheckRecord, type CheckFacts, type CheckRecord } from './check-record.ts'
import { repairStep } from './check-repair.ts'
import { evaluateCheckTrust, type CheckTrust } from './check-trust.ts'
import type { MonitoringDeps } from './settings.ts'

/** Everything one check of one claimed customer concluded, ready to be written (alone or in a batch). */
export interface CheckExamination {
  facts: CheckFacts
  record: CheckRecord
  /** The effective-trust verdict to store beside the run; null when there is none to store. */
  trust: CheckTrust | null
}

/**
 * The Microsoft half of a check, for a customer already claimed and its target already read: read the
 * partner entry (low priority) → core decides the repair → repair and re-verify → core decides the outcome
 * and next state → evaluate effective trust → build the run and the customer's patch (core decides the next
 * schedule). Writes nothing but the repair's write-ahead audit event, so a batch can write the common case
 * in bulk. A failed read is `unknown`, never drift, never an alert.
 */
export async function examineCustomer(
  deps: MonitoringDeps,
  input: { kind: 'check' | 'apply'; trigger: RunTrigger },
  customer: CheckCustomer,
  target: CheckTarget,
  startedAt: Date,
): Promise<CheckExamination> {
  const started = performance.now()
  const requestIds: string[] = []
  const firstRead = await readTenant(deps, customer.tenantId, target, startedAt, requestIds)

  const repairKind = repairFor(input.kind, target.mode, firstRead.classification)
  const { repair, read } =
    repairKind === null
      ? { repair: null, read: firstRead }
      : await repairStep(deps, customer, target, firstRead, repairKind, startedAt, requestIds)

  const repaired = repair?.repaired === true
  const finalObserved = repaired ? (repair.after ?? null) : firstRead.observed
  const finalEvaluation =
    read.classification.evaluation === null
      ? null
      : repaired
        ? evaluatePartner(target.policy, finalObserved, target.deviations, startedAt)
        : read.classification.evaluation
  const decision = decideCheckOutcome({
    classification: read.classification,
    finalStatus: finalEvaluation?.status ?? null,
    repairAttempted: repair !== null,
    repaired,
    currentState: customer.complianceState,
  })
  const stateChanged = decision.nextState !== customer.complianceState

  const trust = await evaluateCheckTrust(deps, {
    outcome: decision.outcome,
    failed: decision.failed,
    customerId: customer.id,
    customerName: customer.name,
    tenantId: customer.tenantId,
    partner: finalObserved,
    // A change the same check explains by a drift, repair or recovery is told by that notification alone.
    notify: target.mode !== 'report' && !stateChanged && !repaired,
    storedLicence: customer.licence,
    freshTokenIfMissing: input.trigger === 'staff',
  })

  const facts: CheckFacts = {
    kind: input.kind,
    trigger: input.trigger,
    customer,
    target,
    observed: firstRead.observed,
    initialEvaluation: firstRead.classification.evaluation,
    read,
    repair,
    decision,
    finalObserved,
    finalEvaluation,
    requestIds,
    startedAt,
    durationMs: Math.round(performance.now() - started),
    now: deps.ctx.now(),
  }
  return { facts, record: buildCheckRecord(deps.settings, facts), trust }
}
