export { recordStateChange, type StateChangeInput } from './record-state-change.ts'
export { enqueueDeliveries, enqueueDeliveriesSafely } from './enqueue-deliveries.ts'
export type { NotificationSettings, StoredNotification } from './stored-event.ts'
export * from './webhook-endpoints.ts'
export * from './webhook-deliveries.ts'
export {
  WebhookTargetRefusedError,
  createWebhookTransport,
  guardedLookup,
  type ResolveHost,
  type WebhookAttempt,
  type WebhookTransport,
  type WebhookTransportOptions,
} from './webhook-transport.ts'
export {
  deliverWebhook,
  retryDelayMs,
  type DeliverWebhookDeps,
  type DeliveryResult,
  type DeliverySettings,
} from './deliver-webhook.ts'
export { requeueOverdueDeliveries } from './requeue-overdue.ts'
export { buildPingPayload } from './ping-payload.ts'
