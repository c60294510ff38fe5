import type { ComplianceStateValue, RunOutcome, RunTrigger } from '../runs/persist-run.ts'
import { persistCheck } from './check-persist.ts'
import { claimCustomer, readTarget } from './check-read.ts'
import { storeCheckTrust } from './check-trust.ts'
import { examineCustomer } from './examine.ts'
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
 * One check (or staff/rollout apply) of one customer: claim the customer → read the policy and its accepted
 * deviations → examine the tenant (examine.ts) → store the trust verdict → record the run → notify. Runs
 * under the tenant lock (the worker's job), so nothing else touches this tenant meanwhile. Scheduled checks
 * of a fleet go through runCheckBatch, which shares every step but the writes.
 */
export async function runCheck(deps: MonitoringDeps, input: RunCheckInput): Promise<RunCheckResult> {
  const startedAt = deps.ctx.now()
  const customer = await claimCustomer(deps, input, startedAt)
  if (customer === null) return { outcome: 'not_applicable' }
  const target = await readTarget(deps, customer, startedAt)
  const { facts, record, trust } = await examineCustomer(deps, input, customer, target, startedAt)
  const { notified } = trust === null ? { notified: false } : await storeCheckTrust(deps, trust)
  const { runId } = await persistCheck(deps, facts, record, notified)
  return {
    outcome: facts.decision.outcome,
    runId,
    complianceState: facts.decision.nextState,
    stateChanged: record.stateChanged,
  }
}
