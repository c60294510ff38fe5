import { DEFAULT_POLICY_CHANGED_TEXT, type NotifiableState } from '@crosstrust/core'
import { scheduleAttributionLookup } from '../attribution/schedule-lookup.ts'
import { insertCheckAttribution, notificationAttribution } from '../attribution/persist-attribution.ts'
import { recordAudit } from '../audit.ts'
import { SYSTEM_ACTOR } from '../context.ts'
import { enqueueDeliveriesSafely } from '../notifications/enqueue-deliveries.ts'
import { recordStateChange } from '../notifications/record-state-change.ts'
import { persistRun } from '../runs/persist-run.ts'
import type { CheckFacts, CheckRecord } from './check-record.ts'
import { toNotifiable } from './notifiable.ts'
import type { MonitoringDeps } from './settings.ts'

/**
 * Writes the run and moves the customer on. The common case (no state change, no repair, the default policy
 * as before) is one statement; otherwise the audit events, notifications and the change's attribution join it
 * in one transaction, and deliveries (and a later attribution lookup) are enqueued after the commit.
 * `trustNotified`: the check's trust verdict change was notified (a default-policy change's follow-up goes there).
 */
export async function persistCheck(
  deps: MonitoringDeps,
  facts: CheckFacts,
  record: CheckRecord,
  trustNotified = false,
): Promise<{ runId: string }> {
  const { ctx } = deps
  const { customer, decision } = facts
  const repaired = facts.repair?.repaired === true
  const defaultChanged = facts.defaultPolicy.kind === 'changed'
  if (!record.stateChanged && !repaired && !defaultChanged) {
    const { runId } = await persistRun(ctx.db, record.run, record.patch, 'onboarded')
    return { runId }
  }
  const { runId, deliveryIds, customerUpdated } = await ctx.db.$transaction(async (tx) => {
    const persisted = await persistRun(tx, record.run, record.patch, 'onboarded')
    const nothing = { runId: persisted.runId, deliveryIds: [] as string[], customerUpdated: false }
    if (!persisted.customerUpdated) return nothing
    if (facts.attribution !== null)
      await insertCheckAttribution(tx, {
        checkRunId: persisted.runId,
        customerId: customer.id,
        attribution: {
          ...facts.attribution,
          followUp: facts.attribution.subject === 'partner_entry' || trustNotified,
        },
      })
    if (facts.defaultPolicy.kind === 'changed') {
      // The customer's own setting: recorded on the run's timeline, never repaired.
      await recordAudit(tx, SYSTEM_ACTOR, {
        action: 'default_policy.changed',
        customerId: customer.id,
        entityType: 'check_run',
        entityId: persisted.runId,
        before: { fingerprints: facts.defaultPolicy.previous.fingerprints },
        after: {
          fingerprints: facts.defaultPolicy.reading.fingerprints,
          members: facts.defaultPolicy.members,
          detail: DEFAULT_POLICY_CHANGED_TEXT,
          window: {
            start: facts.defaultPolicy.window.start.toISOString(),
            end: facts.defaultPolicy.window.end.toISOString(),
          },
        },
      })
    }
    if (record.stateChanged) {
      await recordAudit(tx, SYSTEM_ACTOR, {
        action: `compliance.${decision.nextState}`,
        customerId: customer.id,
        entityType: 'check_run',
        entityId: persisted.runId,
        before: { complianceState: customer.complianceState },
        after: {
          complianceState: decision.nextState,
          outcome: decision.outcome,
          removalKind: facts.read.classification.removalKind,
          diff: record.diff,
        },
      })
    }
    if (repaired) {
      await recordAudit(tx, SYSTEM_ACTOR, {
        action: facts.kind === 'apply' ? 'policy.applied' : 'policy.remediated',
        customerId: customer.id,
        entityType: 'check_run',
        entityId: persisted.runId,
        before: { partner: facts.observed },
        after: { partner: facts.repair?.after ?? null, policyVersion: facts.target.policy.version },
      })
    }
    if (facts.target.mode === 'report' || (!record.stateChanged && !repaired))
      return { ...nothing, customerUpdated: true }
    const ids: string[] = []
    for (const [from, to] of notifiedTransitions(facts, record)) {
      ids.push(
        ...(await recordStateChange(tx, {
          customerId: customer.id,
          customerName: customer.name,
          previous: from,
          next: to,
          diff: facts.initialEvaluation?.fields ?? [],
          checkRunId: persisted.runId,
          at: facts.now,
          policyVersion: facts.target.policy.version,
          ...(record.patch.lastFailureReason ? { detail: record.patch.lastFailureReason } : {}),
          ...(facts.attribution === null ? {} : { attribution: notificationAttribution(facts.attribution) }),
        })),
      )
    }
    return { runId: persisted.runId, deliveryIds: ids, customerUpdated: true }
  })
  await enqueueDeliveriesSafely(ctx.enqueue, deliveryIds, deps.log)
  if (customerUpdated && facts.attribution?.nextLookupAt != null)
    await scheduleAttributionLookup(deps, runId, 2, facts.attribution.nextLookupAt)
  return { runId }
}

/** A drift repaired within one run is told as two transitions: drift detected, then repaired. */
function notifiedTransitions(facts: CheckFacts, record: CheckRecord): [NotifiableState, NotifiableState][] {
  const { customer, decision } = facts
  const repaired = facts.repair?.repaired === true
  const previous = toNotifiable(customer.complianceState, customer.currentDiff)
  const next: NotifiableState =
    decision.nextState === 'compliant'
      ? { status: repaired ? 'remediated' : 'compliant' }
      : toNotifiable(decision.nextState, record.diff)
  if (!repaired) return [[previous, next]]
  return [
    [previous, { status: 'drifted', removedByCustomer: facts.initialEvaluation?.status === 'missing' }],
    [{ status: 'drifted' }, next],
  ]
}
