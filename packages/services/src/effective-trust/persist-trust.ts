// Storing an effective-trust verdict: one row per customer, a `trust_changed` notification (once) when the
// verdict changes. The per-customer path runs in the caller's transaction; a batch of checks writes its
// unchanged verdicts in bulk (../monitoring/batch/bulk-persist.ts) and only the changes come through here.
import {
  notificationDedupeKey,
  type EffectiveTrustResult,
  type NotificationAttribution,
  type TrustVerdict,
} from '@crosstrust/core'
import type { Prisma, Tx } from '@crosstrust/db'
import { createDeliveries } from '../notifications/create-deliveries.ts'
import type { StoredNotification } from '../notifications/stored-event.ts'

/** Whose verdict is stored, and whether a change notifies. */
export interface TrustSubject {
  customerId: string
  customerName: string
  tenantId: string
  /** False: record without notifying (`report` mode, or the check's own notification tells the cause). */
  notify: boolean
  checkRunId?: string
  /** Who changed the default policy the entry inherits, when the check found it changed: told with a change. */
  attribution?: NotificationAttribution
}

const json = (value: unknown) => JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue

/** The stored columns of a verdict (the bulk path writes the same ones). */
export function trustColumns(result: EffectiveTrustResult) {
  return {
    verdict: result.verdict,
    reason: result.reason,
    fix: result.fix,
    findings: json({ requirements: result.requirements, findings: result.findings }),
    missingPermissions: result.findings
      .filter((f) => f.code === 'reconsent_needed' && f.permission !== undefined)
      .map((f) => f.permission ?? ''),
  }
}

export async function persistTrust(
  tx: Tx,
  input: TrustSubject,
  result: EffectiveTrustResult,
  now: Date,
): Promise<{ changed: boolean; deliveryIds: string[] }> {
  const previous = await tx.customerTrust.findUnique({
    where: { customerId: input.customerId },
    select: { verdict: true },
  })
  const changed = previous !== null && previous.verdict !== result.verdict
  const data = { ...trustColumns(result), evaluatedAt: now }
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
  input: TrustSubject,
  from: TrustVerdict,
  result: EffectiveTrustResult,
  at: Date,
): Promise<string[]> {
  const stored: StoredNotification = {
    id: notificationDedupeKey(input.customerId, 'trust_changed', at),
    transition: 'trust_changed',
    occurredAt: at.toISOString(),
    customer: { id: input.customerId, name: input.customerName, tenantId: input.tenantId },
    detail: [
      `Trust ${label(from)} → ${label(result.verdict)}: ${result.reason}${result.fix ? ` Fix: ${result.fix}` : ''}`,
      ...(input.attribution?.sentences ?? []),
    ].join(' '),
    ...(input.attribution === undefined ? {} : { attribution: input.attribution }),
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
