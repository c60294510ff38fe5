import type {
  NotificationAttribution,
  CustomerStatusCode,
  NotificationEvent,
  NotificationFieldDiff,
  TransitionKind,
} from '@crosstrust/core'

/**
 * The channel-independent event as stored in `notification_events.payload` and each delivery's payload.
 * Partner name and dashboard link are deployment settings, so the notify processor adds them when it
 * builds the body: a delivery retried after a settings change still says the right thing.
 */
export interface StoredNotification {
  id: string
  transition: TransitionKind | 'ping'
  occurredAt: string
  customer: { id: string; name: string; tenantId: string | null }
  /** The customer status the change leads to; absent in events stored before it was added. */
  customerStatus?: CustomerStatusCode
  policyVersion?: number
  fields?: NotificationFieldDiff[]
  detail?: string
  attribution?: NotificationAttribution
}

export interface NotificationSettings {
  partnerName: string
  /** Base URL of the staff dashboard; customer links are `<base>/customers/<id>`. */
  dashboardBaseUrl?: string
}

/** The core event for one stored state-change notification (test pings have their own body). */
export function hydrateEvent(
  stored: StoredNotification & { transition: TransitionKind },
  settings: NotificationSettings,
): NotificationEvent {
  const event: NotificationEvent = {
    id: stored.id,
    transition: stored.transition,
    occurredAt: new Date(stored.occurredAt),
    customer: stored.customer,
    partnerName: settings.partnerName,
  }
  if (stored.customerStatus !== undefined) event.customerStatus = stored.customerStatus
  if (stored.policyVersion !== undefined) event.policyVersion = stored.policyVersion
  if (stored.fields !== undefined) event.fields = stored.fields
  if (stored.detail !== undefined) event.detail = stored.detail
  if (stored.attribution !== undefined) event.attribution = stored.attribution
  if (settings.dashboardBaseUrl !== undefined && stored.customer.id.length > 0) {
    event.dashboardUrl = `${settings.dashboardBaseUrl.replace(/\/+$/, '')}/customers/${stored.customer.id}`
  }
  return event
}

/** The `X-Crosstrust-Event` header and the JSON `type`: `crosstrust.<transition>`. */
export function eventTypeHeader(eventType: string): string {
  return `crosstrust.${eventType}`
}
