// Effective trust on every check: read the tenant's Conditional Access policies, authorization policy,
// licences (and the default cross-tenant policy when the partner entry inherits from it), evaluate with
// packages/core, persist the verdict per customer and notify once when it changes.
import {
  evaluateEffectiveTrust,
  missingTrustPermissions,
  notificationDedupeKey,
  type EffectiveTrustResult,
  type LicenceLevel,
  type MissingPermission,
  type TrustVerdict,
} from '@crosstrust/core'
import type { Prisma, Tx } from '@crosstrust/db'
import { isMicrosoftError, type CallOptions, type GraphPartner } from '@crosstrust/microsoft'
import type { MonitoringDeps } from '../monitoring/settings.ts'
import { createDeliveries } from '../notifications/create-deliveries.ts'
import { enqueueDeliveriesSafely } from '../notifications/enqueue-deliveries.ts'
import type { StoredNotification } from '../notifications/stored-event.ts'

export interface TrustRefreshInput {
  customerId: string
  customerName: string
  tenantId: string
  /** The partner entry the check just read (after any repair); null when it does not exist. */
  partner: GraphPartner | null
  /** False: record without notifying (`report` mode, or the check's own notification tells the cause). */
  notify: boolean
  /** The licence onboarding found: used when /subscribedSkus cannot be read. */
  storedLicence: LicenceLevel
  checkRunId?: string
  /**
   * A check staff asked for: when the cached token lacks a permission, get a fresh token before concluding
   * "re-consent needed" (the customer may just have consented again). Scheduled checks use the cache.
   */
  freshTokenIfMissing?: boolean
}

export interface TrustRefreshResult {
  /** `skipped`: a read failed transiently; the last verdict stays. */
  status: 'evaluated' | 'skipped'
  verdict?: TrustVerdict
  changed?: boolean
  /** Graph calls this refresh made (the check's budget report). */
  graphCalls: number
  deliveryIds: string[]
}

const json = (value: unknown) => JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue

/** Does the partner entry leave trust or inbound B2B to the default policy? Then the default matters. */
function inheritsFromDefault(partner: GraphPartner | null): boolean {
  if (partner === null) return true
  const trust = partner.inboundTrust as Record<string, unknown> | null | undefined
  if (trust === null || trust === undefined) return true
  if (trust.isMfaAccepted == null || trust.isCompliantDeviceAccepted == null) return true
  return partner.b2bCollaborationInbound === null || partner.b2bCollaborationInbound === undefined
}

class SkipRefresh extends Error {}

/**
 * Evaluates and stores the customer's effective trust. Never throws for Microsoft errors: a missing
 * permission becomes `unknown` with "re-consent needed", anything else leaves the last verdict in place.
 */
export async function refreshEffectiveTrust(
  deps: MonitoringDeps,
  input: TrustRefreshInput,
): Promise<TrustRefreshResult> {
  const { graph, settings, ctx } = deps
  const opts: CallOptions = {
    priority: 'low',
    ...(settings.graphRetry === undefined ? {} : { retry: settings.graphRetry }),
  }
  let graphCalls = 0
  const read = async <T>(fn: () => Promise<{ value: T }>): Promise<T> => {
    graphCalls++
    return (await fn()).value
  }
  let result: EffectiveTrustResult
  try {
    let missing: MissingPermission[]
    try {
      missing = missingTrustPermissions(await graph.grantedRoles(input.tenantId))
      if (missing.length > 0 && input.freshTokenIfMissing === true)
        missing = missingTrustPermissions(await graph.grantedRoles(input.tenantId, { forceRefresh: true }))
    } catch (err) {
      if (isMicrosoftError(err)) throw new SkipRefresh(err.message)
      throw err
    }
    if (missing.length > 0) {
      result = evaluateEffectiveTrust({
        partnerTenantId: settings.partnerTenantId,
        partner: input.partner,
        defaultPolicy: null,
        licence: input.storedLicence,
        conditionalAccessPolicies: null,
        authorizationPolicy: null,
        missingPermissions: missing,
      })
    } else {
      const policyRead = async <T>(fn: () => Promise<{ value: T }>): Promise<T> => {
        try {
          return await read(fn)
        } catch (err) {
          if (!isMicrosoftError(err)) throw err
          // 403 after the role check: the grant was just removed or has not replicated; the next check knows.
          throw new SkipRefresh(err.message)
        }
      }
      const conditionalAccessPolicies = await policyRead(() =>
        graph.listConditionalAccessPolicies(input.tenantId, opts),
      )
      const authorizationPolicy = await policyRead(() => graph.getAuthorizationPolicy(input.tenantId, opts))
      let licence: LicenceLevel = input.storedLicence
      try {
        licence = (await read(() => graph.listSubscribedSkus(input.tenantId, opts))).level
      } catch (err) {
        if (!isMicrosoftError(err)) throw err
        // Throttled: no further read to this tenant before its Retry-After; the last verdict stays.
        if (err.kind === 'throttled') throw new SkipRefresh(err.message)
      }
      const defaultPolicy = inheritsFromDefault(input.partner)
        ? await policyRead(() => graph.getDefaultPolicy(input.tenantId, opts))
        : null
      result = evaluateEffectiveTrust({
        partnerTenantId: settings.partnerTenantId,
        partner: input.partner,
        defaultPolicy,
        licence,
        conditionalAccessPolicies,
        authorizationPolicy,
      })
    }
  } catch (err) {
    if (!(err instanceof SkipRefresh)) throw err
    deps.log?.('effective trust not evaluated: a read failed', {
      customerId: input.customerId,
      err: err.message,
    })
    return { status: 'skipped', graphCalls, deliveryIds: [] }
  }

  const now = ctx.now()
  const { changed, deliveryIds } = await ctx.db.$transaction((tx) => persistTrust(tx, input, result, now))
  return { status: 'evaluated', verdict: result.verdict, changed, graphCalls, deliveryIds }
}

async function persistTrust(
  tx: Tx,
  input: TrustRefreshInput,
  result: EffectiveTrustResult,
  now: Date,
): Promise<{ changed: boolean; deliveryIds: string[] }> {
  const previous = await tx.customerTrust.findUnique({
    where: { customerId: input.customerId },
    select: { verdict: true },
  })
  const changed = previous !== null && previous.verdict !== result.verdict
  const data = {
    verdict: result.verdict,
    reason: result.reason,
    fix: result.fix,
    findings: json({ requirements: result.requirements, findings: result.findings }),
    missingPermissions: result.findings
      .filter((f) => f.code === 'reconsent_needed' && f.permission !== undefined)
      .map((f) => f.permission ?? ''),
    evaluatedAt: now,
  }
  if (previous === null) {
    await tx.customerTrust.create({ data: { customerId: input.customerId, ...data, changedAt: now } })
  } else {
    await tx.customerTrust.update({
      where: { customerId: input.customerId },
      data: changed ? { ...data, changedAt: now, changeCount: { increment: 1 } } : data,
    })
  }
  if (!changed || !input.notify) return { changed, deliveryIds: [] }
  return { changed, deliveryIds: await recordTrustChange(tx, input, previous.verdict, result, now) }
}

/** One `trust_changed` notification event (de-duplicated) and its webhook deliveries. */
async function recordTrustChange(
  tx: Tx,
  input: TrustRefreshInput,
  from: TrustVerdict,
  result: EffectiveTrustResult,
  at: Date,
): Promise<string[]> {
  const stored: StoredNotification = {
    id: notificationDedupeKey(input.customerId, 'trust_changed', at),
    transition: 'trust_changed',
    occurredAt: at.toISOString(),
    customer: { id: input.customerId, name: input.customerName, tenantId: input.tenantId },
    detail: `Trust ${label(from)} → ${label(result.verdict)}: ${result.reason}${result.fix ? ` Fix: ${result.fix}` : ''}`,
  }
  const created = await tx.notificationEvent.createManyAndReturn({
    data: [
      {
        customerId: input.customerId,
        eventType: 'trust_changed',
        dedupeKey: stored.id,
        payload: json({ ...stored, checkRunId: input.checkRunId ?? null, from, to: result.verdict }),
      },
    ],
    skipDuplicates: true,
    select: { id: true },
  })
  return createDeliveries(
    tx,
    created.map((event) => ({
      eventId: event.id,
      eventType: 'trust_changed',
      customerId: input.customerId,
      payload: json(stored),
      nextAttemptAt: at,
    })),
  )
}

const label = (v: TrustVerdict) => (v === 'no_effect' ? 'no effect' : v)

/**
 * The hook a check calls after it has recorded its run: refreshes effective trust when the partner entry
 * was read (not on `unknown` or `access_lost`), enqueues the notification, and never fails the check.
 */
export async function refreshTrustAfterCheck(
  deps: MonitoringDeps,
  input: TrustRefreshInput & { outcome: string },
): Promise<TrustRefreshResult | null> {
  if (input.outcome === 'unknown' || input.outcome === 'access_lost') return null
  try {
    const result = await refreshEffectiveTrust(deps, input)
    if (result.deliveryIds.length > 0)
      await enqueueDeliveriesSafely(deps.ctx.enqueue, result.deliveryIds, deps.log)
    return result
  } catch (err) {
    deps.log?.('effective trust refresh failed', {
      customerId: input.customerId,
      err: err instanceof Error ? err.message : String(err),
    })
    return null
  }
}
