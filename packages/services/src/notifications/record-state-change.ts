import {
  customerStatusAfter,
  detectTransition,
  notificationDedupeKey,
  type FieldResult,
  type NotificationAttribution,
  type NotifiableState,
  type NotificationFieldDiff,
  type TransitionKind,
} from '@crosstrust/core'
import type { Tx } from '@crosstrust/db'
import { toJsonValue } from '../json-value.ts'
import { createDeliveries } from './create-deliveries.ts'
import type { StoredNotification } from './stored-event.ts'

export interface StateChangeInput {
  customerId: string
  customerName: string
  /** The last KNOWN state (an `unknown` check outcome is not a state: pass the one before it). */
  previous: NotifiableState | null
  next: NotifiableState
  /** The evaluation's fields; the drifted ones go into drift notifications. */
  diff?: FieldResult[]
  checkRunId?: string
  /**
   * When the state changed. Part of the de-duplication key: recording the same change again (a retried
   * job re-running the same transaction, a second worker) with the same `at` is a no-op.
   */
  at: Date
  policyVersion?: number
  /** Plain-text detail for the receiver, e.g. why onboarding failed. */
  detail?: string
  /** Who made the drift (drift transitions only); its sentences are added to the detail too. */
  attribution?: NotificationAttribution
}

function driftFields(diff: readonly FieldResult[] | undefined): NotificationFieldDiff[] {
  return (diff ?? [])
    .filter((field) => field.drift)
    .map((field) => ({
      path: field.path,
      label: field.label,
      desired: field.desired,
      observed: field.observed,
      remediation: field.remediation,
    }))
}

const WITH_FIELDS: ReadonlySet<TransitionKind> = new Set(['drifted', 'removed_by_customer'])

/**
 * Records the notifications for one customer state change, inside the caller's transaction (the same one
 * that stores the new state, so a rolled-back check notifies nobody). Notifications fire on changes only
 *: nothing happens when the state did not change. Each transition becomes one
 * `NotificationEvent` (unique de-duplication key, inserted with ON CONFLICT DO NOTHING so a duplicate
 * neither throws nor aborts the transaction) and one `WebhookDelivery` per enabled endpoint subscribed
 * to it. Returns the ids of the deliveries created; enqueue `notify` jobs for them after commit.
 */
export async function recordStateChange(tx: Tx, input: StateChangeInput): Promise<string[]> {
  const transitions = detectTransition(input.previous, input.next)
  if (transitions.length === 0) return []

  const customer = await tx.customer.findUnique({
    where: { id: input.customerId },
    select: { tenantId: true },
  })
  const fields = driftFields(input.diff)
  const events = transitions.map((transition) => {
    const stored: StoredNotification = {
      id: notificationDedupeKey(input.customerId, transition, input.at),
      transition,
      occurredAt: input.at.toISOString(),
      customer: { id: input.customerId, name: input.customerName, tenantId: customer?.tenantId ?? null },
      customerStatus: customerStatusAfter(input.next),
    }
    if (input.policyVersion !== undefined) stored.policyVersion = input.policyVersion
    if (WITH_FIELDS.has(transition) && fields.length > 0) stored.fields = fields
    if (input.detail !== undefined) stored.detail = input.detail
    if (WITH_FIELDS.has(transition) && input.attribution !== undefined) {
      stored.attribution = input.attribution
      // Teams and Slack show the detail: the sentences go there as well.
      stored.detail = [input.detail, ...input.attribution.sentences].filter((s) => s !== undefined).join(' ')
    }
    return stored
  })

  // Only rows actually inserted come back: a transition already recorded yields nothing to deliver.
  const created = await tx.notificationEvent.createManyAndReturn({
    data: events.map((event) => ({
      customerId: input.customerId,
      eventType: event.transition,
      dedupeKey: event.id,
      payload: toJsonValue({ ...event, checkRunId: input.checkRunId ?? null }),
    })),
    skipDuplicates: true,
    select: { id: true, dedupeKey: true, eventType: true },
  })
  return createDeliveries(
    tx,
    created.flatMap((row) => {
      const event = events.find((candidate) => candidate.id === row.dedupeKey)
      if (!event) return []
      return [
        {
          eventId: row.id,
          eventType: row.eventType,
          customerId: input.customerId,
          payload: toJsonValue(event),
          nextAttemptAt: input.at,
        },
      ]
    }),
  )
}
