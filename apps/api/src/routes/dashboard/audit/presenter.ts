// The audit log's view: the chosen filters, the events, and the links to newer and older pages.
import type { AuditEventView } from '@crosstrust/services'
import { withQuery } from '../pager.ts'

export interface AuditView {
  now: Date
  action: string | undefined
  customer: { id: string; name: string } | null
  /** Without a customer filter each row links to its customer. */
  showCustomer: boolean
  items: AuditEventView[]
  /** The link that drops the customer filter, keeping the action. */
  allCustomersHref: string
  clearable: boolean
  newerHref: string | null
  olderHref: string | null
}

export function presentAudit(input: {
  action: string | undefined
  customer: { id: string; name: string } | null
  items: AuditEventView[]
  filters: Record<string, string>
  links: { next: Record<string, string> | null; prev: Record<string, string> | null }
  now: Date
}): AuditView {
  const { filters, links } = input
  return {
    now: input.now,
    action: input.action,
    customer: input.customer,
    showCustomer: input.customer === null,
    items: input.items,
    allCustomersHref: withQuery('/audit', { action: input.action }),
    clearable: Object.keys(filters).length > 0,
    newerHref: links.prev ? withQuery('/audit', { ...filters, ...links.prev }) : null,
    olderHref: links.next ? withQuery('/audit', { ...filters, ...links.next }) : null,
  }
}
