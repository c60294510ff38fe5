// The customer status page's wording and pages: values as an admin reads them in the Entra admin center,
// who removed it and when, removal offered only to an allowed role, and tenant text rendered as text.
import type { StatusPageView } from '@crosstrust/services'
import { describe, expect, it } from 'vitest'
import { describeValue, enterpriseAppUrl, removalSentence } from '../src/routes/status/pages/presenter.ts'
import { renderFragment } from '../src/html/render.ts'
import { StatusLinkPanel } from '../src/routes/dashboard/customer-detail/status-link-panel.tsx'
import {
  confirmRemovalPage,
  linkPage,
  statusPage,
  wrongTenantPage,
} from '../src/routes/status/pages/pages.tsx'

const partner = { name: 'Truesec Detect AB' }
const ids = { appClientId: 'app-client-id', partnerTenantId: 'partner-tenant-id' }
const view: StatusPageView = {
  customerName: '<script>alert(1)</script> AB',
  status: { code: 'managed', label: 'Managed' },
  lastCheckAt: new Date('2026-12-03T12:00:00Z'),
  matches: true,
  settings: [
    {
      label: 'Trust multifactor authentication from Microsoft Entra tenants',
      path: 'inboundTrust.isMfaAccepted',
      expected: true,
      observed: true,
      matches: true,
    },
    {
      label: 'B2B collaboration inbound: users and groups',
      path: 'b2bCollaborationInbound.usersAndGroups',
      expected: { accessType: 'allowed', targets: [{ target: 'AllUsers', targetType: 'user' }] },
      observed: undefined,
      matches: true,
    },
  ],
  trust: {
    verdict: 'effective',
    reason: 'The trust takes effect.',
    fix: null,
    evaluatedAt: new Date('2026-12-03T12:00:00Z'),
    findings: [],
  },
  history: [
    {
      at: new Date('2026-12-03T11:00:00Z'),
      what: 'Partner configuration set up',
      outcome: 'compliant',
      attribution: [],
    },
  ],
  removal: null,
  permission: { allowed: true, role: 'Global Administrator' },
  signedInAs: 'admin@litware.example',
}

describe('status page', () => {
  it('describes values as the admin center shows them', () => {
    expect(describeValue(true)).toBe('Yes')
    expect(describeValue(false)).toBe('No')
    expect(describeValue(null)).toBe('Inherited from your default settings')
    expect(describeValue(undefined)).toBe('Not read yet')
    expect(
      describeValue({ accessType: 'allowed', targets: [{ target: 'AllUsers', targetType: 'user' }] }),
    ).toBe('Allowed (all users)')
  })

  it('says who removed it and when', () => {
    const at = new Date('2026-12-03T12:00:00Z')
    expect(
      removalSentence({ by: 'customer', admin: 'admin@litware.example', removedAt: at, entry: 'gone' }, 'P'),
    ).toBe('Removed on 2026-12-03 by admin@litware.example.')
    expect(removalSentence({ by: 'partner', admin: null, removedAt: null, entry: 'removing' }, 'P')).toMatch(
      /Removal requested by P.*Wait until this page says it is removed/,
    )
    expect(enterpriseAppUrl('a b')).toContain('/appId/a%20b')
  })

  it('never says "removed" while our entry is still in the tenant, and says how to delete it', () => {
    const removal = { by: 'customer' as const, admin: 'a@b.example', removedAt: new Date() }
    const left = statusPage({
      view: { ...view, removal: { ...removal, entry: 'left_in_tenant' } },
      partner,
      ids,
    })
    expect(left).not.toMatch(/Removed on/)
    expect(left).toContain('could not delete our partner entry')
    expect(left).toContain('data-step="delete-entry"')
    expect(left).toContain('partner-tenant-id')
    expect(left).toContain(
      'learn.microsoft.com/entra/external-id/cross-tenant-access-settings-b2b-collaboration',
    )
    // The application is deleted last: only once the entry is gone is the step offered.
    const running = statusPage({
      view: { ...view, removal: { ...removal, removedAt: null, entry: 'removing' } },
      partner,
      ids,
    })
    expect(running).not.toContain('data-step="delete-app"')
    expect(running).toContain('Wait until this page says it is removed')
    const gone = statusPage({ view: { ...view, removal: { ...removal, entry: 'gone' } }, partner, ids })
    expect(gone).toContain('data-step="delete-app"')
    expect(gone).toContain('asks you to consent again')
    expect(gone).not.toContain('data-step="delete-entry"')
  })

  it('offers removal only to an allowed role, and never after a removal', () => {
    expect(statusPage({ view, partner, ids })).toContain('action="/status/view/remove"')
    const refused = statusPage({
      view: { ...view, permission: { allowed: false, reason: 'roles_unknown', explanation: 'No roles.' } },
      partner,
      ids,
    })
    expect(refused).not.toContain('action="/status/view/remove"')
    expect(refused).toContain('data-removal="refused"')
    const removed = statusPage({
      view: {
        ...view,
        removal: { by: 'customer', admin: 'a@b.example', removedAt: new Date(), entry: 'gone' },
      },
      partner,
      ids,
    })
    expect(removed).not.toContain('action="/status/view/remove"')
    expect(removed).toContain('data-removed="customer"')
  })

  it('renders tenant text as text, and the form carries the token and the confirmation', () => {
    const html = statusPage({ view, partner, ids })
    expect(html).not.toContain('<script>alert(1)</script>')
    expect(html).toContain('&lt;script&gt;')
    const confirm = confirmRemovalPage({ view, partner, csrf: 'tok"en' })
    expect(confirm).toContain('name="csrf" value="tok&quot;en"')
    expect(confirm).toContain('name="confirm" value="remove"')
    expect(wrongTenantPage('<b>x</b>', partner)).not.toContain('<b>x</b>')
  })

  it('the link page names no customer before sign-in, and says who may view', () => {
    const html = linkPage({ token: 'tok', partner })
    expect(html).toContain('<h1>Partner configuration status</h1>')
    expect(html).not.toContain('’s tenant</h1>')
    expect(html).toContain('Any member of that tenant who has this link can see it')
    expect(html).toContain('action="/status/tok/sign-in"')
  })

  it('staff see how many links work and how each was delivered; only Operators get the buttons', () => {
    const summary = {
      working: [
        { id: 'l2', delivery: 'email' as const, createdAt: new Date(), createdBy: 'Email after onboarding' },
        { id: 'l1', delivery: 'result_page' as const, createdAt: new Date(), createdBy: 'admin@<litware>' },
        { id: 'l0', delivery: 'staff' as const, createdAt: new Date(), createdBy: 'Oskar <Operator>' },
      ],
      revokedCount: 1,
    }
    const panel = (operator: boolean) =>
      renderFragment(
        <StatusLinkPanel
          customerId="c1"
          summary={summary}
          operator={operator}
          csrfToken="t"
          now={new Date()}
        />,
      )
    expect(panel(true)).toContain('action="/customers/c1/status-link"')
    expect(panel(true)).toContain('action="/customers/c1/status-link/revoke"')
    expect(panel(true)).toContain('Revoke all')
    expect(panel(true)).toContain('data-count="3"')
    expect(panel(true)).toContain('3 working links')
    expect(panel(true)).toContain('Issued by Oskar &lt;Operator&gt;')
    expect(panel(true)).toContain('Shown to admin@&lt;litware&gt; on the consent result page')
    expect(panel(true)).toContain('Mailed to the contacts after onboarding')
    expect(panel(true).match(/data-delivery="(\w+)"/g)).toEqual([
      'data-delivery="email"',
      'data-delivery="result_page"',
      'data-delivery="staff"',
    ])
    expect(panel(false)).not.toContain('action="/customers/c1/status-link')
    expect(
      renderFragment(
        <StatusLinkPanel
          customerId="c1"
          summary={{ working: [], revokedCount: 0 }}
          operator
          csrfToken="t"
          now={new Date()}
        />,
      ),
    ).toContain('data-status-link="none"')
  })
})
