import {
  backoffUntil,
  buildCreateBody,
  buildPatchBody,
  classifyCheck,
  decideAction,
  evaluatePartner,
  hashSnapshot,
  hasRepairableDrift,
  nextCheckAt,
  snapshotOwnedFields,
  type AcceptedDeviation,
  type CheckClassification,
  type Evaluation,
  type MonitoringMode,
  type NotifiableState,
  type PolicyDefinition,
} from '@crosstrust/core'
import {
  isMicrosoftError,
  readBackUntil,
  upsertPartnerPolicy,
  type GraphPartner,
  type MicrosoftError,
} from '@crosstrust/microsoft'
import { recordAudit } from '../audit.ts'
import { SYSTEM_ACTOR } from '../context.ts'
import { enqueueDeliveriesSafely } from '../notifications/enqueue-deliveries.ts'
import { recordStateChange } from '../notifications/record-state-change.ts'
import { refreshTrustAfterCheck } from '../effective-trust/refresh.ts'
import { currentPolicy } from '../policy-store.ts'
import { errorCodeOf, errorMessageOf, graphErrorKind } from './classify-error.ts'
import { toNotifiable } from './notifiable.ts'
import {
  persistRun,
  type ComplianceStateValue,
  type CustomerPatch,
  type RunOutcome,
  type RunRow,
  type RunTrigger,
} from './persist-run.ts'
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

/** What a repair did: Graph request ids, before/after, and whether the read-back confirmed it. */
interface RepairResult {
  repaired: boolean
  after: GraphPartner | null
  error: MicrosoftError | null
  message: string | null
}

const customerSelect = {
  id: true,
  name: true,
  tenantId: true,
  onboardingState: true,
  complianceState: true,
  mode: true,
  checkIntervalSeconds: true,
  consecutiveFailures: true,
  nextCheckAt: true,
  lastObservedHash: true,
  currentDiff: true,
  licence: true,
} as const

async function activeDeviations(
  deps: MonitoringDeps,
  customerId: string,
  now: Date,
): Promise<AcceptedDeviation[]> {
  const rows = await deps.ctx.db.acceptedDeviation.findMany({
    where: { customerId, revokedAt: null, expiresAt: { gt: now } },
  })
  // Every stored deviation names the value it accepts (acceptDeviation fills in the observed one).
  return rows.map((row) => ({
    id: row.id,
    path: row.field,
    acceptedValue: row.acceptedValue,
    expiresAt: row.expiresAt,
    reason: row.reason,
    owner: row.owner,
  }))
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

async function repair(
  deps: MonitoringDeps,
  tenantId: string,
  policy: PolicyDefinition,
  deviations: readonly AcceptedDeviation[],
  evaluation: Evaluation,
  kind: 'create' | 'patch',
  now: Date,
  requestIds: string[],
): Promise<RepairResult> {
  const { graph, settings } = deps
  const partner = settings.partnerTenantId
  const evaluate = (observed: unknown) => evaluatePartner(policy, observed, deviations, now)
  try {
    if (kind === 'create') {
      // Entry deleted: POST (409 ⇒ the entry came back meanwhile ⇒ PATCH), exactly like onboarding.
      const upsert = await upsertPartnerPolicy(graph, tenantId, partner, {
        createBody: buildCreateBody(policy, partner),
        patchBodyFor: (observed) => buildPatchBody(policy, evaluate(observed)),
      })
      requestIds.push(...upsert.requestIds)
    } else {
      // Only the repairable objects (report-only fields are never written; accepted members keep their value).
      const body = buildPatchBody(policy, evaluation)
      if (body !== null) {
        const result = await graph.updatePartner(tenantId, partner, body)
        if (result.requestId !== undefined) requestIds.push(result.requestId)
      }
    }
    const readBack = await readBackUntil(
      graph,
      tenantId,
      partner,
      (observed) => observed !== null && !hasRepairableDrift(evaluate(observed)),
      settings.readBack,
    )
    requestIds.push(...readBack.requestIds)
    return readBack.matched
      ? { repaired: true, after: readBack.value, error: null, message: null }
      : {
          repaired: false,
          after: readBack.value,
          error: null,
          message: 'The repair was sent but reading the entry back still shows differences.',
        }
  } catch (err) {
    if (!isMicrosoftError(err)) throw err
    return { repaired: false, after: null, error: err, message: `Repair failed: ${errorMessageOf(err)}` }
  }
}

function failureReason(classification: CheckClassification, detail: string | null): string {
  if (classification.outcome === 'access_lost') {
    return classification.removalKind === 'app_removed'
      ? `The customer removed the partner app from their tenant (${classification.errorCode ?? 'app removed'}). Ask the customer's administrator to consent again with a new consent link.`
      : `Microsoft refused access (${classification.errorCode ?? 'access denied'}): admin consent was revoked or its permissions removed. Send a new consent link.`
  }
  return `Could not read the partner entry (${classification.errorCode ?? classification.errorKind ?? 'error'}); the check is retried with backoff.${detail === null ? '' : ` ${detail}`}`
}

/**
 * One check (or staff/rollout apply) of one customer: read the partner entry with low priority, evaluate it
 * against the current policy and the customer's active accepted deviations, classify,
 * act per mode, record the run and move the customer on. A failed read is `unknown`, never drift, never an
 * alert. Runs under the tenant lock (the worker's job), so nothing else touches this tenant meanwhile.
 */
export async function runCheck(deps: MonitoringDeps, input: RunCheckInput): Promise<RunCheckResult> {
  const { ctx, graph, settings } = deps
  const started = performance.now()
  const startedAt = ctx.now()
  const customer = await ctx.db.customer.findUnique({
    where: { id: input.customerId },
    select: customerSelect,
  })
  if (customer?.onboardingState !== 'onboarded' || customer.tenantId === null) {
    return { outcome: 'not_applicable' }
  }
  if (input.trigger === 'schedule' && input.dueAt !== undefined) {
    // Claim the due check in PostgreSQL, not only in Redis: moving next_check_at from exactly the due time to
    // a lease is a compare-and-set, so a duplicate job (re-enqueued by a sweep after Redis lost the queue and
    // the tenant lock) finds nothing to claim and does nothing. A job that dies keeps the claim until the
    // lease passes; then the sweep picks the customer up again.
    const claimed = await ctx.db.customer.updateMany({
      where: { id: customer.id, nextCheckAt: input.dueAt },
      data: { nextCheckAt: new Date(startedAt.getTime() + settings.checkLeaseSeconds * 1000) },
    })
    if (claimed.count !== 1) return { outcome: 'not_applicable' }
  }
  const tenantId = customer.tenantId
  const [policy, deviations] = await Promise.all([
    currentPolicy(ctx.db),
    activeDeviations(deps, customer.id, startedAt),
  ])
  const mode: MonitoringMode = customer.mode ?? settings.defaultMode
  const requestIds: string[] = []

  let observed: GraphPartner | null = null
  let classification: CheckClassification
  let readError: MicrosoftError | null = null
  try {
    const read = await graph.getPartner(tenantId, settings.partnerTenantId, {
      priority: 'low',
      ...(settings.graphRetry === undefined ? {} : { retry: settings.graphRetry }),
    })
    if (read.requestId !== undefined) requestIds.push(read.requestId)
    observed = read.value
    classification = classifyCheck({
      kind: 'evaluated',
      evaluation: evaluatePartner(policy, observed, deviations, startedAt),
    })
  } catch (err) {
    if (!isMicrosoftError(err)) throw err
    readError = err
    if (err.requestId !== undefined) requestIds.push(err.requestId)
    classification = classifyCheck({ kind: 'error', errorKind: graphErrorKind(err), code: errorCodeOf(err) })
  }

  // Act: repair per mode (or always, for an apply), re-verify.
  let repairResult: RepairResult | null = null
  const initialEvaluation = classification.evaluation
  if (initialEvaluation !== null) {
    const repairKind =
      input.kind === 'apply'
        ? initialEvaluation.status === 'missing'
          ? 'create'
          : hasRepairableDrift(initialEvaluation)
            ? 'patch'
            : null
        : decideAction(mode, classification).repair
    if (repairKind !== null) {
      repairResult = await repair(
        deps,
        tenantId,
        policy,
        deviations,
        initialEvaluation,
        repairKind,
        startedAt,
        requestIds,
      )
      if (repairResult.error?.kind === 'access_lost') {
        readError = repairResult.error
        classification = classifyCheck({
          kind: 'error',
          errorKind: 'access_lost',
          code: errorCodeOf(repairResult.error),
        })
      }
    }
  }

  const repaired = repairResult?.repaired === true
  const finalObserved = repaired ? (repairResult?.after ?? null) : observed
  const finalEvaluation =
    classification.evaluation === null
      ? null
      : repaired
        ? evaluatePartner(policy, finalObserved, deviations, startedAt)
        : classification.evaluation

  // Outcome and the customer's next known state.
  let outcome: RunOutcome
  let nextState: ComplianceStateValue
  if (classification.outcome === 'unknown') {
    outcome = 'unknown'
    nextState = customer.complianceState // unknown is not a state: the last known one stays
  } else if (classification.outcome === 'access_lost') {
    outcome = 'access_lost'
    nextState = 'access_lost'
  } else if (finalEvaluation?.status === 'compliant') {
    outcome = repaired ? 'remediated' : 'compliant'
    nextState = 'compliant'
  } else if (finalEvaluation?.status === 'missing') {
    outcome = 'removed'
    nextState = 'removed_by_customer'
  } else {
    outcome = repaired ? 'remediated' : 'drifted'
    nextState = 'drifted'
  }
  const repairFailed = repairResult !== null && !repairResult.repaired && classification.outcome === 'drifted'
  const failed =
    classification.outcome === 'unknown' || classification.outcome === 'access_lost' || repairFailed

  // Snapshot: stored on the run only when it differs from the customer's last one.
  const snapshot = finalEvaluation === null ? undefined : snapshotOwnedFields(policy, finalObserved)
  const hash = snapshot === undefined ? null : hashSnapshot(snapshot)
  const snapshotChanged = hash !== null && hash !== customer.lastObservedHash
  const diff =
    finalEvaluation !== null
      ? compactDiff(finalEvaluation, classification)
      : classification.outcome === 'access_lost'
        ? { status: 'access_lost', removalKind: classification.removalKind, fields: [] }
        : undefined

  const stateChanged = nextState !== customer.complianceState
  // Effective trust (docs/effective-trust.md): part of the check, inside the run's time span and before the
  // run is recorded, so a visible run is a finished check. It never fails the check. Not after a failed
  // check: a throttled repair leaves the tenant inside Graph's Retry-After, and the next check reads again.
  if (!failed)
    await refreshTrustAfterCheck(deps, {
      outcome,
      customerId: customer.id,
      customerName: customer.name,
      tenantId,
      partner: finalObserved,
      // A change the same check explains by a drift, repair or recovery is told by that notification alone.
      notify: mode !== 'report' && !stateChanged && !repaired,
      storedLicence: customer.licence,
      freshTokenIfMissing: input.trigger === 'staff',
    })

  const now = ctx.now()

  // Schedule: interval with jitter; a failure backs off (and retries no later than the interval); an
  // accepted deviation expiring before then brings the check forward so it becomes drift on time.
  const interval = customer.checkIntervalSeconds ?? settings.defaultCheckIntervalSeconds
  let next = nextCheckAt(now, interval, customer.id)
  const failures = failed ? customer.consecutiveFailures + 1 : 0
  const backoff = failed ? backoffUntil(now, failures, settings.backoff) : null
  if (backoff !== null && backoff < next) next = backoff
  for (const field of finalEvaluation?.fields ?? []) {
    const expiry = field.accepted?.expiresAt
    if (expiry !== undefined && expiry < next) next = new Date(expiry.getTime() + 1_000)
  }

  const patch: CustomerPatch = {
    linkRun: true,
    lastCheckAt: now,
    nextCheckAt: next,
    consecutiveFailures: failures,
    backoffUntil: backoff,
    lastFailureReason: failed
      ? repairFailed
        ? (repairResult?.message ?? 'Repair failed.')
        : failureReason(classification, readError?.message ?? null)
      : null,
  }
  if (stateChanged) {
    patch.complianceState = nextState
    patch.complianceChangedAt = now
  }
  if (nextState === 'compliant' && classification.outcome !== 'unknown') {
    patch.compliantPolicyVersion = policy.version
  }
  if (diff !== undefined) patch.currentDiff = diff
  if (snapshotChanged) {
    patch.lastObservedHash = hash
    patch.lastObservedSnapshot = snapshot
  }

  const run: RunRow = {
    customerId: customer.id,
    kind: input.kind,
    trigger: input.trigger,
    outcome,
    policyVersion: policy.version,
    diff: diff ?? null,
    observedSnapshot: snapshotChanged ? snapshot : null,
    observedHash: hash,
    before: repairResult === null ? null : observed,
    after: repairResult === null ? null : repairResult.after,
    errorCode: readError
      ? errorCodeOf(readError)
      : repairResult?.error
        ? errorCodeOf(repairResult.error)
        : repairFailed
          ? 'repair_not_verified'
          : null,
    errorMessage: readError ? errorMessageOf(readError) : (repairResult?.message ?? null),
    graphRequestId: requestIds.at(-1) ?? null,
    durationMs: Math.round(performance.now() - started),
    startedAt,
    finishedAt: now,
    actor: 'system',
  }

  if (!stateChanged && !repaired) {
    // The common case: one statement.
    const { runId } = await persistRun(ctx.db, run, patch, 'onboarded')
    return { outcome, runId, complianceState: nextState, stateChanged: false }
  }

  const previous = toNotifiable(customer.complianceState, customer.currentDiff)
  const nextNotifiable: NotifiableState =
    nextState === 'compliant'
      ? { status: repaired ? 'remediated' : 'compliant' }
      : toNotifiable(nextState, diff)
  const notify = mode !== 'report'
  const { runId, deliveryIds } = await ctx.db.$transaction(async (tx) => {
    const persisted = await persistRun(tx, run, patch, 'onboarded')
    if (!persisted.customerUpdated) return { runId: persisted.runId, deliveryIds: [] as string[] }
    if (stateChanged) {
      await recordAudit(tx, SYSTEM_ACTOR, {
        action: `compliance.${nextState}`,
        customerId: customer.id,
        entityType: 'check_run',
        entityId: persisted.runId,
        before: { complianceState: customer.complianceState },
        after: { complianceState: nextState, outcome, removalKind: classification.removalKind, diff },
      })
    }
    if (repaired) {
      await recordAudit(tx, SYSTEM_ACTOR, {
        action: input.kind === 'apply' ? 'policy.applied' : 'policy.remediated',
        customerId: customer.id,
        entityType: 'check_run',
        entityId: persisted.runId,
        before: { partner: observed },
        after: { partner: repairResult?.after ?? null, policyVersion: policy.version },
      })
    }
    if (!notify) return { runId: persisted.runId, deliveryIds: [] as string[] }
    // A drift repaired within one run is told as two transitions: drift detected, then repaired.
    const steps: [NotifiableState, NotifiableState][] = repaired
      ? [
          [previous, { status: 'drifted', removedByCustomer: initialEvaluation?.status === 'missing' }],
          [{ status: 'drifted' }, nextNotifiable],
        ]
      : [[previous, nextNotifiable]]
    const ids: string[] = []
    for (const [from, to] of steps) {
      ids.push(
        ...(await recordStateChange(tx, {
          customerId: customer.id,
          customerName: customer.name,
          previous: from,
          next: to,
          diff: initialEvaluation?.fields ?? [],
          checkRunId: persisted.runId,
          at: now,
          policyVersion: policy.version,
          ...(patch.lastFailureReason ? { detail: patch.lastFailureReason } : {}),
        })),
      )
    }
    return { runId: persisted.runId, deliveryIds: ids }
  })
  await enqueueDeliveriesSafely(ctx.enqueue, deliveryIds, deps.log)
  return { outcome, runId, complianceState: nextState, stateChanged }
}
