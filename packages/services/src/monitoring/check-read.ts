import {
  classifyCheck,
  evaluatePartner,
  type AcceptedDeviation,
  type CheckClassification,
  type MissingPermission,
  type MonitoringMode,
  type PolicyDefinition,
} from '@crosstrust/core'
import type { Prisma } from '@crosstrust/db'
import { isMicrosoftError, type GraphPartner, type MicrosoftError } from '@crosstrust/microsoft'
import { missingPermissionsOf, type PrefetchedTrustInputs } from '../effective-trust/refresh.ts'
import { currentPolicy } from '../policy-store.ts'
import type { RunTrigger } from '../runs/persist-run.ts'
import { errorCodeOf, graphErrorKind } from './classify-error.ts'
import type { MonitoringDeps } from './settings.ts'

// The first steps of a check: load and claim the customer, read what it must comply with, read the tenant.

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
  defaultPolicyFingerprint: true,
  defaultPolicySeenAt: true,
} as const

/** The onboarded customer a check works on (its tenant is bound). */
export type CheckCustomer = Prisma.CustomerGetPayload<{ select: typeof customerSelect }> & {
  tenantId: string
}

/**
 * The customer to check, or null when there is nothing to do: not (or no longer) onboarded, or a scheduled
 * check whose due time was already claimed.
 */
export async function claimCustomer(
  deps: MonitoringDeps,
  input: { customerId: string; trigger: RunTrigger; dueAt?: Date },
  startedAt: Date,
): Promise<CheckCustomer | null> {
  const { ctx, settings } = deps
  const customer = await ctx.db.customer.findUnique({
    where: { id: input.customerId },
    select: customerSelect,
  })
  if (customer?.onboardingState !== 'onboarded' || customer.tenantId === null) return null
  if (input.trigger === 'schedule' && input.dueAt !== undefined) {
    // Claim the due check in PostgreSQL, not only in Redis: moving next_check_at from exactly the due time to
    // a lease is a compare-and-set, so a duplicate job (re-enqueued by a sweep after Redis lost the queue and
    // the tenant lock) finds nothing to claim and does nothing. A job that dies keeps the claim until the
    // lease passes; then the sweep picks the customer up again.
    const claimed = await ctx.db.customer.updateMany({
      where: { id: customer.id, nextCheckAt: input.dueAt },
      data: { nextCheckAt: new Date(startedAt.getTime() + settings.checkLeaseSeconds * 1000) },
    })
    if (claimed.count !== 1) return null
  }
  return { ...customer, tenantId: customer.tenantId }
}

/** What the customer must comply with at this moment. */
export interface CheckTarget {
  policy: PolicyDefinition
  deviations: AcceptedDeviation[]
  mode: MonitoringMode
}

export async function readTarget(
  deps: MonitoringDeps,
  customer: CheckCustomer,
  now: Date,
): Promise<CheckTarget> {
  const [policy, deviations] = await Promise.all([
    currentPolicy(deps.ctx.db),
    activeDeviations(deps, customer.id, now),
  ])
  return { policy, deviations, mode: customer.mode ?? deps.settings.defaultMode }
}

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

/** The partner entry as read, classified; a failed read is `unknown` or `access_lost`, never drift. */
export interface TenantRead {
  observed: GraphPartner | null
  classification: CheckClassification
  readError: MicrosoftError | null
  /** The trust inputs read in the same request (null when the token could not even be had). */
  prefetched: PrefetchedTrustInputs | null
}

/** What the check reads besides the partner entry, decided before its one batched request. */
interface ReadPlan {
  missing: MissingPermission[]
  trustInputs: boolean
  defaultPolicy: boolean
}

/**
 * Which reads to batch with the partner entry: the trust inputs when the token carries their permissions
 * (a token without them gets "re-consent needed", not a 403 per item), and the default policy when the entry
 * inherited from it at the last check (otherwise the check reads it on its own only if the entry now does).
 * The error when no token can be had: it is the read's answer (a batch would only ask for the token again).
 */
async function planReads(
  deps: MonitoringDeps,
  customer: Pick<CheckCustomer, 'tenantId' | 'defaultPolicyFingerprint'>,
  freshToken: boolean,
): Promise<ReadPlan | MicrosoftError> {
  try {
    const missing = await missingPermissionsOf(deps, customer.tenantId, freshToken)
    return {
      missing,
      trustInputs: missing.length === 0,
      defaultPolicy: missing.length === 0 && customer.defaultPolicyFingerprint !== null,
    }
  } catch (err) {
    if (!isMicrosoftError(err)) throw err
    return err
  }
}

/**
 * Reads the partner entry with low priority and compares it with the target. The trust inputs travel in
 * the same Graph JSON batch (one HTTP request for up to five reads; docs/effective-trust.md).
 */
export async function readTenant(
  deps: MonitoringDeps,
  customer: Pick<CheckCustomer, 'tenantId' | 'defaultPolicyFingerprint'>,
  target: CheckTarget,
  now: Date,
  requestIds: string[],
  freshToken: boolean,
): Promise<TenantRead> {
  const { graph, settings } = deps
  const plan = await planReads(deps, customer, freshToken)
  if (isMicrosoftError(plan)) return failedRead(plan, requestIds, null)
  const state = await graph.readTenantState(
    customer.tenantId,
    {
      partnerTenantId: settings.partnerTenantId,
      trustInputs: plan.trustInputs,
      defaultPolicy: plan.defaultPolicy,
    },
    { priority: 'low', ...(settings.graphRetry === undefined ? {} : { retry: settings.graphRetry }) },
  )
  const prefetched: PrefetchedTrustInputs = {
    missing: plan.missing,
    ...(state.conditionalAccessPolicies === undefined
      ? {}
      : { conditionalAccessPolicies: state.conditionalAccessPolicies }),
    ...(state.authorizationPolicy === undefined ? {} : { authorizationPolicy: state.authorizationPolicy }),
    ...(state.licences === undefined ? {} : { licences: state.licences }),
    ...(state.defaultPolicy === undefined ? {} : { defaultPolicy: state.defaultPolicy }),
  }
  const read = state.partner
  if (!read.ok) return failedRead(read.error, requestIds, prefetched)
  if (read.requestId !== undefined) requestIds.push(read.requestId)
  const evaluation = evaluatePartner(target.policy, read.value, target.deviations, now)
  return {
    observed: read.value,
    classification: classifyCheck({ kind: 'evaluated', evaluation }),
    readError: null,
    prefetched,
  }
}

/** A read that failed: `unknown` or `access_lost` by the error's kind, never drift. */
function failedRead(
  err: MicrosoftError,
  requestIds: string[],
  prefetched: PrefetchedTrustInputs | null,
): TenantRead {
  if (err.requestId !== undefined) requestIds.push(err.requestId)
  return {
    observed: null,
    classification: classifyCheck({
      kind: 'error',
      errorKind: graphErrorKind(err),
      code: errorCodeOf(err),
    }),
    readError: err,
    prefetched,
  }
}
