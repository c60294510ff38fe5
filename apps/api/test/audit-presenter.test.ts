// The audit page's presenter: the filters as chosen, the customer column only without a customer filter,
// and the newer / older links carrying the filters.
import type { AuditEventView } from '@crosstrust/services'
import { describe, expect, it } from 'vitest'
import { presentAudit } from '../src/routes/dashboard/audit/presenter.ts'

const now = new Date('2026-12-03T08:00:00Z')
const event: AuditEventView = {
  id: '7',
  at: now,
  actorType: 'staff',
  actorId: 'oid-1',
  actorName: 'Oskar Operator',
  action: 'customer.created',
  customerId: 'c1',
  entityType: null,
  entityId: null,
  before: null,
  after: { name: 'Litware' },
  requestId: 'req-1',
}

describe('audit page presenter', () => {
  it('shows every customer unfiltered, on the first page', () => {
    expect(
      presentAudit({
        action: undefined,
        customer: null,
        items: [event],
        filters: {},
        links: { next: null, prev: null },
        now,
      }),
    ).toEqual({
      now,
      action: undefined,
      customer: null,
      showCustomer: true,
      items: [event],
      allCustomersHref: '/audit',
      clearable: false,
      newerHref: null,
      olderHref: null,
    })
  })

  it('keeps the filters in the page links and in the link that drops the customer', () => {
    const view = presentAudit({
      action: 'customer.*',
      customer: { id: 'c1', name: 'Litware' },
      items: [event],
      filters: { action: 'customer.*', customerId: 'c1' },
      links: { next: { cursor: 'n2', trail: 'n1' }, prev: { cursor: 'n0' } },
      now,
    })
    expect(view.showCustomer).toBe(false)
    expect(view.clearable).toBe(true)
    expect(view.allCustomersHref).toBe('/audit?action=customer.*')
    expect(view.newerHref).toBe('/audit?action=customer.*&customerId=c1&cursor=n0')
    expect(view.olderHref).toBe('/audit?action=customer.*&customerId=c1&cursor=n2&trail=n1')
  })
})
