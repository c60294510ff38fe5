import type { NotifiableState } from '@crosstrust/core'
import { recordAudit } from '../audit.ts'
import { SYSTEM_ACTOR } from '../context.ts'
import { enqueueDeliveriesSafely } from '../notifications/enqueue-deliveries.ts'
import { recordStateChange } from '../notifications/record-state-change.ts'
import { persistRun } from '../runs/persist-run.ts'
import type { CheckFacts, CheckRecord } from './check-record.ts'
import { toNotifiable } from './notifiable.ts'
import type { MonitoringDeps } from './settings.ts'

/**
 * Writes the run and moves the customer on. The common case (no state change, no repair) is one statement;
 * otherwise the audit events and notifications join it in one transaction, and deliveries are enqueued after
 * the commit.
 */
export async function persistCheck(
  deps: MonitoringDeps,
  facts: CheckFacts,
  record: CheckRecord,
): Promise<{ runId: string }> {
  const { ctx } = deps
  const { customer, decision } = facts
  const repaired = facts.repair?.repaired === true
  if (!record.stateChanged && !repaired) {
    const { runId } = await persistRun(ctx.db, record.run, record.patch, 'onboarded')
    return { runId }
  }
  const { runId, deliveryIds } = await ctx.db.$transaction(async (tx) => {
    const persisted = await persistRun(tx, record.run, record.patch, 'onboarded')
    if (!persisted.customerUpdated) return { runId: persisted.runId, deliveryIds: [] as string[] }
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
    if (facts.target.mode === 'report') return { runId: persisted.runId, deliveryIds: [] as string[] }
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
        })),
      )
    }
    return { runId: persisted.runId, deliveryIds: ids }
  })
  await enqueueDeliveriesSafely(ctx.enqueue, deliveryIds, deps.log)
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
