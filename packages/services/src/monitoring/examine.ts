import {
  decideCheckOutcome,
  decideDefaultPolicyChange,
  decodeDefaultPolicyReading,
  defaultPolicyFingerprints,
  evaluatePartner,
  repairFor,
  type DefaultPolicyChange,
} from '@crosstrust/core'
import { attributeCheckChange, type CheckAttribution } from '../attribution/check-attribution.ts'
import { notificationAttribution } from '../attribution/persist-attribution.ts'
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

/** The default-policy reading of this check (effective trust reads the default where the entry inherits). */
function defaultPolicyChangeOf(
  customer: CheckCustomer,
  trust: CheckTrust | null,
  now: Date,
): DefaultPolicyChange {
  const read = trust?.evaluation.defaultPolicy ?? null
  const stored =
    customer.defaultPolicyFingerprint === null
      ? null
      : decodeDefaultPolicyReading(customer.defaultPolicyFingerprint)
  const previous =
    stored === null || customer.defaultPolicySeenAt === null
      ? null
      : { ...stored, seenAt: customer.defaultPolicySeenAt }
  const current =
    read === null ? null : { fingerprints: defaultPolicyFingerprints(read.policy), inherited: read.inherited }
  return decideDefaultPolicyChange(previous, current, now)
}

/**
 * The Microsoft half of a check, for a customer already claimed and its target already read: read the
 * partner entry and the trust inputs in one batched request (low priority) → core decides the repair → repair and re-verify → core decides the outcome
 * and next state → evaluate effective trust → look up who made a drift found now (attribution) → build the
 * run and the customer's patch (core decides the next schedule). Writes nothing but the repair's write-ahead
 * audit event, so a batch can write the common case in bulk. A failed read is `unknown`, never drift, never an alert.
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
  const freshToken = input.trigger === 'staff'
  const firstRead = await readTenant(deps, customer, target, startedAt, requestIds, freshToken)

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

  const evaluatedTrust = await evaluateCheckTrust(deps, {
    outcome: decision.outcome,
    failed: decision.failed,
    customerId: customer.id,
    customerName: customer.name,
    tenantId: customer.tenantId,
    partner: finalObserved,
    // A change the same check explains by a drift, repair or recovery is told by that notification alone.
    notify: target.mode !== 'report' && !stateChanged && !repaired,
    storedLicence: customer.licence,
    freshTokenIfMissing: freshToken,
    ...(firstRead.prefetched === null ? {} : { prefetched: firstRead.prefetched }),
  })

  // Drift found now (not drift told before), or a changed default policy the entry inherits: who made the
  // change, from the tenant's directory audit log. A drift's lookup sees the default's activities too.
  const initialStatus = firstRead.classification.evaluation?.status
  const defaultPolicy = defaultPolicyChangeOf(customer, evaluatedTrust, startedAt)
  const subject = { customerId: customer.id, tenantId: customer.tenantId, driftFoundAt: startedAt }
  let attribution: CheckAttribution | null = null
  if ((initialStatus === 'drifted' || initialStatus === 'missing') && (stateChanged || repaired))
    attribution = await attributeCheckChange(deps, { ...subject, freshToken, subject: 'partner_entry' })
  else if (defaultPolicy.kind === 'changed')
    attribution = await attributeCheckChange(deps, {
      ...subject,
      freshToken,
      subject: 'default_policy',
      window: defaultPolicy.window,
    })
  // A changed default that changes the trust verdict is told by that notification: with who changed it.
  const trust =
    evaluatedTrust !== null && attribution?.subject === 'default_policy'
      ? {
          ...evaluatedTrust,
          input: { ...evaluatedTrust.input, attribution: notificationAttribution(attribution) },
        }
      : evaluatedTrust

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
    attribution,
    defaultPolicy,
    startedAt,
    durationMs: Math.round(performance.now() - started),
    now: deps.ctx.now(),
  }
  return { facts, record: buildCheckRecord(deps.settings, facts), trust }
}
