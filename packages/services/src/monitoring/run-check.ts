import { decideCheckOutcome, evaluatePartner, repairFor } from '@crosstrust/core'
import { refreshTrustAfterCheck } from '../effective-trust/refresh.ts'
import type { ComplianceStateValue, RunOutcome, RunTrigger } from '../runs/persist-run.ts'
import { persistCheck } from './check-persist.ts'
import { claimCustomer, readTarget, readTenant } from './check-read.ts'
import { buildCheckRecord, type CheckFacts } from './check-record.ts'
import { repairStep } from './check-repair.ts'
import type { MonitoringDeps } from './settings.ts'

export interface RunCheckInput {
  customerId: string
  /** `check`: read, classify and act per mode. `apply`: re-apply the policy now whatever the mode. */
  kind: 'check' | 'apply'
  trigger: RunTrigger
  /**
   * For scheduled checks: the due time the sweep selected. If the customer has been checked since (its
   * next check moved past it), this job is a late duplicate and does nothing.
   */
  dueAt?: Date
}

export interface RunCheckResult {
  /** `not_applicable`: the customer is not (or no longer) onboarded; nothing was recorded. */
  outcome: RunOutcome | 'not_applicable'
  runId?: string
  complianceState?: ComplianceStateValue
  stateChanged?: boolean
}

/**
 * One check (or staff/rollout apply) of one customer, as a pipeline: claim the customer → read the policy and
 * its accepted deviations → read the tenant's partner entry (low priority) → core decides the repair → repair
 * and re-verify → core decides the outcome and next state → refresh effective trust → record the run (core
 * decides the next schedule) → notify. A failed read is `unknown`, never drift, never an alert. Runs under the
 * tenant lock (the worker's job), so nothing else touches this tenant meanwhile.
 */
export async function runCheck(deps: MonitoringDeps, input: RunCheckInput): Promise<RunCheckResult> {
  const { ctx } = deps
  const started = performance.now()
  const startedAt = ctx.now()
  const customer = await claimCustomer(deps, input, startedAt)
  if (customer === null) return { outcome: 'not_applicable' }
  const target = await readTarget(deps, customer, startedAt)
  const requestIds: string[] = []
  const firstRead = await readTenant(deps, customer.tenantId, target, startedAt, requestIds)

  const repairKind = repairFor(input.kind, target.mode, firstRead.classification)
  const { repair, read } =
    repairKind === null
      ? { repair: null, read: firstRead }
      : await repairStep(deps, customer.tenantId, target, firstRead, repairKind, startedAt, requestIds)

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

  // Effective trust (docs/effective-trust.md): part of the check, inside the run's time span and before the
  // run is recorded, so a visible run is a finished check. It never fails the check. Not after a failed
  // check: a throttled repair leaves the tenant inside Graph's Retry-After, and the next check reads again.
  if (!decision.failed)
    await refreshTrustAfterCheck(deps, {
      outcome: decision.outcome,
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
    now: ctx.now(),
  }
  const record = buildCheckRecord(deps.settings, facts)
  const { runId } = await persistCheck(deps, facts, record)
  return { outcome: decision.outcome, runId, complianceState: decision.nextState, stateChanged }
}
