// The `attribute-drift` job: a later lookup of who made a drift, for a drift whose audit entry had not
// arrived when the check looked. Found ⇒ the row is filled and one `drift_attributed` notification follows
// the drift notification (de-duplicated per check run); nothing yet ⇒ the next lookup is scheduled, and after
// the last one the row says `not_found`.
import { notificationDedupeKey, type AttributionStatus } from '@crosstrust/core'
import type { Tx } from '@crosstrust/db'
import { recordAudit } from '../audit.ts'
import { SYSTEM_ACTOR } from '../context.ts'
import { toJsonValue } from '../json-value.ts'
import type { MonitoringDeps } from '../monitoring/settings.ts'
import { createDeliveries } from '../notifications/create-deliveries.ts'
import { enqueueDeliveriesSafely } from '../notifications/enqueue-deliveries.ts'
import type { StoredNotification } from '../notifications/stored-event.ts'
import { afterLookup, NOT_ENABLED_MESSAGE, type CheckAttribution } from './check-attribution.ts'
import { lookUpChanges } from './look-up.ts'
import { notificationAttribution } from './persist-attribution.ts'
import { scheduleAttributionLookup } from './schedule-lookup.ts'

export interface AttributionJobResult {
  /** `skipped`: nothing pending for this run (already decided, or a duplicate job). */
  status: AttributionStatus | 'skipped'
}

export async function lookUpDriftAttribution(
  deps: MonitoringDeps,
  input: { checkRunId: string; lookup: number },
): Promise<AttributionJobResult> {
  const { ctx, settings } = deps
  const row = await ctx.db.driftAttribution.findUnique({
    where: { checkRunId: input.checkRunId },
    select: {
      id: true,
      subject: true,
      followUp: true,
      status: true,
      attempts: true,
      windowStart: true,
      windowEnd: true,
      customer: {
        select: { id: true, name: true, tenantId: true, mode: true, attributionEnabled: true },
      },
      checkRun: { select: { startedAt: true } },
    },
  })
  // A job for a lookup already made (a duplicate, or the sweep's rescue racing it) does nothing.
  if (row?.status !== 'pending' || row.attempts >= input.lookup) return { status: 'skipped' }
  const { customer } = row
  const window = { start: row.windowStart, end: row.windowEnd }
  const lookups = row.attempts + 1
  // Staff switched attribution off meanwhile (or the tenant is gone): no more lookups.
  const next: CheckAttribution =
    customer.tenantId === null || !customer.attributionEnabled
      ? {
          subject: row.subject,
          status: 'not_enabled',
          window,
          attempts: lookups,
          entries: [],
          errorMessage: NOT_ENABLED_MESSAGE,
          nextLookupAt: null,
        }
      : afterLookup(
          row.subject,
          await lookUpChanges(
            {
              graph: deps.graph,
              partnerTenantId: settings.partnerTenantId,
              appClientId: settings.appClientId,
              ...(settings.graphRetry === undefined ? {} : { graphRetry: settings.graphRetry }),
            },
            customer.tenantId,
            window,
            { subject: row.subject },
          ),
          lookups,
          window,
          ctx.now(),
          settings.attributionRetryDelaysSeconds,
        )

  const notify = (customer.mode ?? settings.defaultMode) !== 'report' && next.status === 'found'
  const deliveryIds = await ctx.db.$transaction(async (tx) => {
    // Compare-and-set on the lookup count: of two jobs for the same lookup, one writes.
    const { count } = await tx.driftAttribution.updateMany({
      where: { id: row.id, status: 'pending', attempts: row.attempts },
      data: {
        status: next.status,
        attempts: lookups,
        nextLookupAt: next.nextLookupAt,
        entries: toJsonValue(next.entries),
        errorMessage: next.errorMessage,
      },
    })
    if (count === 0 || next.status === 'pending') return []
    await recordAudit(tx, SYSTEM_ACTOR, {
      action: `attribution.${next.status}`,
      customerId: customer.id,
      entityType: 'check_run',
      entityId: input.checkRunId,
      after: { lookups, entries: next.entries.length, ours: next.entries.filter((e) => e.ours).length },
    })
    // A default-policy change notified only where it changed the trust verdict; the follow-up goes there only.
    return notify && row.followUp
      ? recordAttributed(tx, {
          customer: { id: customer.id, name: customer.name, tenantId: customer.tenantId },
          checkRunId: input.checkRunId,
          driftAt: row.checkRun.startedAt,
          attribution: next,
          at: ctx.now(),
        })
      : []
  })
  await enqueueDeliveriesSafely(ctx.enqueue, deliveryIds, deps.log)
  if (next.status === 'pending' && next.nextLookupAt !== null)
    await scheduleAttributionLookup(deps, input.checkRunId, lookups + 1, next.nextLookupAt)
  return { status: next.status }
}

/**
 * The follow-up of a drift notification: one `drift_attributed` event per check run (its key carries the run's
 * time, so recording it again is a no-op) and its deliveries.
 */
async function recordAttributed(
  tx: Tx,
  input: {
    customer: { id: string; name: string; tenantId: string | null }
    checkRunId: string
    driftAt: Date
    attribution: CheckAttribution
    at: Date
  },
): Promise<string[]> {
  const attribution = notificationAttribution(input.attribution)
  const stored: StoredNotification = {
    id: notificationDedupeKey(input.customer.id, 'drift_attributed', input.driftAt),
    transition: 'drift_attributed',
    occurredAt: input.at.toISOString(),
    customer: input.customer,
    detail: attribution.sentences.join(' '),
    attribution,
  }
  const created = await tx.notificationEvent.createManyAndReturn({
    data: [
      {
        customerId: input.customer.id,
        eventType: 'drift_attributed',
        dedupeKey: stored.id,
        payload: toJsonValue({ ...stored, checkRunId: input.checkRunId }),
      },
    ],
    skipDuplicates: true,
    select: { id: true },
  })
  return createDeliveries(
    tx,
    created.map((event) => ({
      eventId: event.id,
      eventType: 'drift_attributed',
      customerId: input.customer.id,
      payload: toJsonValue(stored),
      nextAttemptAt: input.at,
    })),
  )
}
