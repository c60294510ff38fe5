import {
  buildCreateBody,
  buildPatchBody,
  evaluatePartner,
  hashSnapshot,
  nextCheckAt,
  onboardingTransition,
  policyAppliedMessage,
  snapshotOwnedFields,
  type PolicyDefinition,
} from '@crosstrust/core'
import {
  readBackUntil,
  upsertPartnerPolicy,
  type GraphPartner,
  type UpsertPartnerPolicyResult,
} from '@crosstrust/microsoft'
import { recordAudit } from '../audit.ts'
import { SYSTEM_ACTOR } from '../context.ts'
import { queueStatusLinkEmail } from '../email/status-link-email.ts'
import { recordStateChange } from '../notifications/record-state-change.ts'
import { moveStep } from '../onboarding-steps.ts'
import { persistRun } from '../runs/persist-run.ts'
import { beginStep, succeedStep } from './step-records.ts'
import { StepFailure, type OnboardingRun } from './types.ts'

/** Step `policy_applied`: create or patch the partner entry (idempotent: a 409 on create becomes a patch). */
export async function applyPolicy(
  run: OnboardingRun,
  tenantId: string,
  policy: PolicyDefinition,
): Promise<UpsertPartnerPolicyResult> {
  const { ctx, graph, settings } = run.deps
  await beginStep(run, 'policy_applied')
  const upsert = await upsertPartnerPolicy(graph, tenantId, settings.partnerTenantId, {
    createBody: buildCreateBody(policy, settings.partnerTenantId),
    patchBodyFor: (observed) => buildPatchBody(policy, evaluatePartner(policy, observed, [], ctx.now())),
  })
  await succeedStep(run, 'policy_applied', policyAppliedMessage(upsert.outcome, settings.partnerTenantId), {
    detail: {
      outcome: upsert.outcome,
      patch: upsert.patch,
      conflictOnCreate: upsert.conflictOnCreate,
      before: upsert.before,
      requestIds: upsert.requestIds,
    },
    next: 'verified',
  })
  return upsert
}

/**
 * Step `verified`: read the entry back until it equals the policy, then record the onboarding run (through
 * the same `persistRun` as every check), the customer's first compliance state and its first check time, in
 * one transaction, with the status-link mail when email is on. Returns the notification deliveries and the
 * emails to enqueue after the commit, and the verified entry.
 */
export async function verifyPolicy(
  run: OnboardingRun,
  tenantId: string,
  policy: PolicyDefinition,
  /** The entry before the upsert: after a POST 409 the racer's, else the one seen during prerequisites. */
  before: GraphPartner | null,
): Promise<{ deliveryIds: string[]; emailIds: string[]; partner: GraphPartner | null }> {
  const { deps, customer } = run
  const { ctx, settings } = deps
  await beginStep(run, 'verified')
  const readBack = await readBackUntil(
    deps.graph,
    tenantId,
    settings.partnerTenantId,
    (observed) => evaluatePartner(policy, observed, [], ctx.now()).status === 'compliant',
    settings.readBack,
  )
  const evaluation = evaluatePartner(policy, readBack.value, [], ctx.now())
  if (!readBack.matched) {
    throw new StepFailure(
      'verified',
      'After applying the policy, reading it back still shows differences. The check will retry; if it persists, compare the diff on the customer page.',
      { evaluation },
    )
  }
  const snapshot = snapshotOwnedFields(policy, readBack.value)
  const hash = hashSnapshot(snapshot)
  const now = ctx.now()
  const interval = customer.checkIntervalSeconds ?? settings.defaultCheckIntervalSeconds
  const transition = onboardingTransition(customer.onboardingState, 'onboarded')
  const { deliveryIds, emailIds } = await ctx.db.$transaction(async (tx) => {
    await moveStep(
      tx,
      customer.id,
      'verified',
      'succeeded',
      now,
      'Verified: the partner entry equals the policy.',
    )
    const persisted = await persistRun(
      tx,
      {
        customerId: customer.id,
        kind: 'onboard',
        trigger: 'onboarding',
        outcome: 'compliant',
        policyVersion: policy.version,
        diff: evaluation.fields,
        observedSnapshot: snapshot,
        observedHash: hash,
        before,
        after: readBack.value,
        errorCode: null,
        errorMessage: null,
        graphRequestId: readBack.requestIds.at(-1) ?? null,
        durationMs: Math.round(performance.now() - run.startedMs),
        startedAt: run.startedAt,
        finishedAt: now,
        actor: 'system',
      },
      {
        linkRun: true,
        complianceState: 'compliant',
        complianceChangedAt: now,
        compliantPolicyVersion: policy.version,
        currentDiff: null,
        lastObservedHash: hash,
        lastObservedSnapshot: snapshot,
        lastCheckAt: now,
        consecutiveFailures: 0,
        backoffUntil: null,
        lastFailureReason: null,
        nextCheckAt: nextCheckAt(now, interval, customer.id),
      },
      'onboarded',
    )
    await recordAudit(tx, SYSTEM_ACTOR, {
      action: 'onboarding.completed',
      customerId: customer.id,
      before: { partner: before },
      after: { partner: readBack.value, policyVersion: policy.version },
    })
    const statusEmail = settings.statusLinkEmail === true ? await queueStatusLinkEmail(tx, customer.id) : null
    const notified = await recordStateChange(tx, {
      customerId: customer.id,
      customerName: customer.name,
      ...transition,
      checkRunId: persisted.runId,
      at: now,
      policyVersion: policy.version,
    })
    return { deliveryIds: notified, emailIds: statusEmail === null ? [] : [statusEmail] }
  })
  return { deliveryIds, emailIds, partner: readBack.value }
}
