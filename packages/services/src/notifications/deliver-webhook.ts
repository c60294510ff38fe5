import { buildPayload, webhookHeaders, type TransitionKind } from '@crosstrust/core'
import type { Db } from '@crosstrust/db'
import { buildPingPayload } from './ping-payload.ts'
import {
  eventTypeHeader,
  hydrateEvent,
  type NotificationSettings,
  type StoredNotification,
} from './stored-event.ts'
import { redactWebhookUrl } from './webhook-endpoints.ts'
import type { WebhookTransport } from './webhook-transport.ts'

export interface DeliverySettings extends NotificationSettings {
  /** Attempts before a delivery is marked `failed` (default 8). */
  maxAttempts?: number
  /** First retry delay; doubles per attempt up to `maxDelayMs` (defaults 30 s and 1 h). */
  baseDelayMs?: number
  maxDelayMs?: number
  /** Per-request timeout (default 10 s). */
  timeoutMs?: number
}

export interface DeliverWebhookDeps {
  db: Db
  now: () => Date
  settings: DeliverySettings
  /** Schedules the next attempt (a delayed `notify` job with a fresh id). */
  retryLater: (deliveryId: string, attempt: number, delayMs: number) => Promise<void>
  log?: (msg: string, fields?: Record<string, unknown>) => void
  /** Sends the request under the target rule (`createWebhookTransport`, one per process). */
  transport: WebhookTransport
}

export type DeliveryResult =
  'delivered' | 'retry_scheduled' | 'failed' | 'already_delivered' | 'already_failed' | 'not_due' | 'missing'

const DEFAULTS = { maxAttempts: 8, baseDelayMs: 30_000, maxDelayMs: 3_600_000, timeoutMs: 10_000 }

export function retryDelayMs(attempt: number, settings: DeliverySettings, retryAfterMs?: number): number {
  const base = settings.baseDelayMs ?? DEFAULTS.baseDelayMs
  const cap = settings.maxDelayMs ?? DEFAULTS.maxDelayMs
  const exponential = Math.min(base * 2 ** Math.max(attempt - 1, 0), cap)
  return retryAfterMs === undefined ? exponential : Math.min(Math.max(exponential, retryAfterMs), cap)
}

function retryAfter(header: string | null, now: Date): number | undefined {
  if (header === null) return undefined
  const seconds = Number(header)
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000
  const date = Date.parse(header)
  return Number.isNaN(date) ? undefined : Math.max(date - now.getTime(), 0)
}

function requestedBy(payload: unknown): string {
  const value = (payload as { requestedBy?: unknown } | null)?.requestedBy
  return typeof value === 'string' ? value : 'staff'
}

/**
 * One attempt at one delivery: the `notify` job. Exactly-once toward the database, at-least-once on the
 * wire:
 * - a delivery already `delivered` (or `failed`) is never sent again, whatever job runs for it;
 * - an attempt first claims the delivery (`next_attempt_at` moves past the request timeout, atomically),
 *   so two jobs for one delivery (a stalled job re-run, a duplicate enqueue) never send concurrently;
 * - if the process dies after the receiver answered but before the result is stored, the next attempt
 *   re-sends: receivers de-duplicate on `X-Crosstrust-Delivery` (or the event `id`), see docs/notifications.md.
 * Failures (non-2xx, redirect, timeout, network error, a refused target address) schedule the next attempt with exponential backoff
 * (honouring Retry-After) until `maxAttempts`, then the delivery is `failed`. The secret never leaves this
 * function except inside the HMAC.
 */
export async function deliverWebhook(deps: DeliverWebhookDeps, deliveryId: string): Promise<DeliveryResult> {
  const settings = { ...DEFAULTS, ...deps.settings }
  const delivery = await deps.db.webhookDelivery.findUnique({
    where: { id: deliveryId },
    include: { endpoint: true },
  })
  if (!delivery) return 'missing'
  if (delivery.status === 'delivered') return 'already_delivered'
  if (delivery.status === 'failed') return 'already_failed'
  const { endpoint } = delivery
  const now = deps.now()

  if (!endpoint.enabled && delivery.eventType !== 'ping') {
    await deps.db.webhookDelivery.updateMany({
      where: { id: deliveryId, status: 'pending' },
      data: { status: 'failed', lastError: 'endpoint disabled before delivery', nextAttemptAt: null },
    })
    return 'failed'
  }

  // Claim: only a due, pending delivery can be attempted, and claiming pushes its due time past this
  // attempt's timeout so no other job sends it meanwhile.
  const lease = new Date(now.getTime() + settings.timeoutMs + 30_000)
  const claimed = await deps.db.webhookDelivery.updateMany({
    where: {
      id: deliveryId,
      status: 'pending',
      OR: [{ nextAttemptAt: null }, { nextAttemptAt: { lte: now } }],
    },
    data: { attempts: { increment: 1 }, nextAttemptAt: lease },
  })
  if (claimed.count === 0) return 'not_due'
  const attempt = delivery.attempts + 1

  const body = JSON.stringify(
    delivery.eventType === 'ping'
      ? buildPingPayload(endpoint.format, {
          id: `ping.${delivery.id}`,
          occurredAt: delivery.createdAt,
          partnerName: settings.partnerName,
          requestedBy: requestedBy(delivery.payload),
        })
      : buildPayload(
          endpoint.format,
          hydrateEvent(
            delivery.payload as unknown as StoredNotification & { transition: TransitionKind },
            settings,
          ),
        ),
  )
  const headers = webhookHeaders(endpoint.secret, now, body, {
    type: eventTypeHeader(delivery.eventType),
    deliveryId: delivery.id,
  })
  const outcome = await deps.transport.post(endpoint.url, headers, body, settings.timeoutMs)
  const finishedAt = deps.now()
  const logFields = {
    deliveryId,
    endpointId: endpoint.id,
    url: redactWebhookUrl(endpoint.url),
    attempt,
    statusCode: outcome.statusCode,
  }

  if (outcome.ok) {
    await deps.db.webhookDelivery.update({
      where: { id: deliveryId },
      data: {
        status: 'delivered',
        deliveredAt: finishedAt,
        lastStatusCode: outcome.statusCode,
        lastError: null,
        nextAttemptAt: null,
      },
    })
    deps.log?.('webhook delivered', logFields)
    return 'delivered'
  }

  if (attempt >= settings.maxAttempts) {
    await deps.db.webhookDelivery.update({
      where: { id: deliveryId },
      data: {
        status: 'failed',
        lastStatusCode: outcome.statusCode,
        lastError: outcome.error,
        nextAttemptAt: null,
      },
    })
    deps.log?.('webhook delivery failed permanently', { ...logFields, error: outcome.error })
    return 'failed'
  }
  const delayMs = retryDelayMs(attempt, settings, retryAfter(outcome.retryAfter, now))
  await deps.db.webhookDelivery.update({
    where: { id: deliveryId },
    data: {
      lastStatusCode: outcome.statusCode,
      lastError: outcome.error,
      nextAttemptAt: new Date(finishedAt.getTime() + delayMs),
    },
  })
  deps.log?.('webhook delivery failed; will retry', { ...logFields, error: outcome.error, delayMs })
  await deps.retryLater(deliveryId, attempt + 1, delayMs)
  return 'retry_scheduled'
}
