// The customer page's "Send by email" panel: operators tick contacts and send; viewers only read the log;
// a retried outage, a bounce and an unconfigured deployment each say so.
import type { EmailDeliveryView } from '@crosstrust/services'
import { describe, expect, it } from 'vitest'
import { renderFragment } from '../src/html/render.ts'
import { ConsentEmailPanel } from '../src/routes/dashboard/customer-detail/consent-emails.tsx'
import type { StaffViewer } from '../src/routes/dashboard/ui/staff-page.tsx'

const now = new Date('2026-12-03T08:00:00Z')
const viewer = (operator: boolean): StaffViewer => ({
  csrfToken: 'csrf-1',
  operator,
  admin: false,
  name: 'Oskar Operator',
  username: 'oskar@partner.example',
})
const mail = (over: Partial<EmailDeliveryView>): EmailDeliveryView => ({
  id: 'e1',
  kind: 'consent_link',
  recipients: [{ name: 'Ada', email: 'ada@litware.example' }],
  status: 'sent',
  attempts: 1,
  lastError: null,
  bouncedRecipients: [],
  messageId: '<m@x>',
  smtpResponse: '250 OK',
  sentAt: now,
  requestedBy: 'Oskar Operator',
  createdAt: now,
  ...over,
})
const contacts = [{ name: 'Ada <Admin>', email: 'ada@litware.example', role: 'Global Administrator' }]

const panel = (operator: boolean, deliveries: EmailDeliveryView[], enabled = true) =>
  renderFragment(
    <ConsentEmailPanel
      customerId="c1"
      contacts={contacts}
      deliveries={deliveries}
      enabled={enabled}
      viewer={viewer(operator)}
      now={now}
    />,
  )

describe('consent email panel', () => {
  it('lets operators pick contacts and send, escaping their names', () => {
    const html = panel(true, [])
    expect(html).toContain('action="/customers/c1/consent-emails"')
    expect(html).toContain('name="recipients" value="ada@litware.example"')
    expect(html).toContain('name="_csrf" value="csrf-1"')
    expect(html).toContain('Ada &lt;Admin&gt;')
  })

  it('shows viewers the log without the form', () => {
    const html = panel(false, [mail({})])
    expect(html).not.toContain('<form')
    expect(html).toContain('data-status="sent"')
  })

  it('shows a retried outage and a bounce', () => {
    const html = panel(false, [
      mail({ id: 'e2', status: 'pending', attempts: 2, lastError: 'connect ECONNREFUSED 127.0.0.1:25' }),
      mail({
        id: 'e3',
        status: 'bounced',
        bouncedRecipients: ['ada@litware.example'],
        lastError: '550 5.1.1',
      }),
    ])
    expect(html).toContain('>Retrying<')
    expect(html).toContain('After 2 attempts: connect ECONNREFUSED')
    expect(html).toContain('Bounced: ada@litware.example')
  })

  it('says when email is not configured', () => {
    const html = panel(true, [], false)
    expect(html).toContain('Email is not configured')
    expect(html).not.toContain('<form')
  })
})
