// The staff dashboard in a real browser (headless Debian Chromium + playwright-core), against a whole
// Crosstrust (simulator, database, API, worker). The operator creates a customer in the dashboard, copies its
// consent link from the page, the customer's administrator completes consent in another browser context,
// and the operator watches the customer reach "compliant"; an operator confirms a first-time tenant from
// the customer page. Screenshots go to .artifacts/screenshots/ (git-ignored).
import { describe, expect, it } from 'vitest'
import { consentAs } from '../support/consent-driver.ts'
import { addTenant, newCustomer } from '../support/consent-steps.ts'
import { expectConfigured } from '../support/partner-assert.ts'
import { waitFor } from '../support/system.ts'
import {
  attributes,
  b,
  compliance,
  contexts,
  shared,
  shot,
  signIn,
  sys,
  useDashboardBrowser,
} from '../support/dashboard-browser.ts'

useDashboardBrowser()

describe('staff dashboard in the browser', () => {
  it('operator: creates a customer, copies its consent link, and watches it become compliant', async () => {
    const tenant = addTenant(sys, { displayName: 'Fabrikam Dashboard AB' })
    const { page, errors } = await signIn('Oskar Operator')

    await page.getByRole('link', { name: 'New customer' }).click()
    await page.waitForURL(`${sys.baseUrl}/customers/new`)

    // Invalid input: the form comes back with a message at each field, and nothing is created.
    const before = await sys.db.prisma.customer.count()
    await page.getByLabel('Tenant ID or domain').fill('not a tenant!')
    await page.getByLabel('Email').first().fill('not-an-email')
    await page.getByRole('button', { name: 'Create customer' }).click()
    await expect.poll(() => page.locator('#error-summary').count()).toBe(1)
    expect(await page.locator('#f-name-error').textContent()).toContain('Enter the customer’s name')
    expect(await page.locator('#f-tenant-error').textContent()).toContain('tenant ID (GUID) or a domain')
    expect(await page.locator('#f-contactEmail1-error').textContent()).toContain('valid email')
    expect(await page.getByLabel('Tenant ID or domain').inputValue()).toBe('not a tenant!')
    await shot(page, 'dashboard-new-customer-errors')
    expect(await sys.db.prisma.customer.count()).toBe(before)

    // Valid: the customer is created with its first consent link, shown once on the customer's page.
    const name = 'Fabrikam Dashboard AB'
    await page.getByLabel('Customer name').fill(name)
    await page.getByLabel('Tenant ID or domain').fill(tenant.domain)
    await page.locator('#f-contactName1').fill('Frida Admin')
    await page.locator('#f-contactEmail1').fill(`frida@${tenant.domain}`)
    await page.locator('#f-contactRole1').fill('Global Administrator')
    await page.getByLabel('Notes').fill('Signed the SOC contract <b>2026</b>.')
    await page.getByRole('button', { name: 'Create customer' }).click()
    await page.waitForURL(/\/customers\/[0-9a-f-]{36}$/)
    const customerId = new URL(page.url()).pathname.split('/').pop() ?? ''
    shared.customerId = customerId
    shared.tenantId = tenant.id
    shared.name = name
    expect(await page.locator('h1').textContent()).toBe(name)
    expect(await page.locator('dd.notes').textContent()).toBe('Signed the SOC contract <b>2026</b>.')

    // Copy the link with the page's copy button, and read it back from the clipboard.
    const copy = page.locator('button[data-copy-target="revealed"]')
    expect(await copy.textContent()).toBe('Copy')
    await copy.click()
    await expect.poll(() => copy.textContent()).toBe('Copied')
    const linkUrl = String(await page.evaluate<unknown>('navigator.clipboard.readText()'))
    expect(linkUrl).toMatch(new RegExp(`^${sys.baseUrl}/consent/[A-Za-z0-9_-]{20,}$`))
    expect(await page.locator('#revealed').inputValue()).toBe(linkUrl)

    // Shown once: a reload no longer has it (the database only keeps its hash).
    await page.reload()
    expect(await page.locator('#revealed').count()).toBe(0)
    expect(await page.content()).not.toContain(linkUrl)
    expect(await page.locator('ul.links li[data-status="open"]').count()).toBe(1)
    expect(await page.locator('#steps li[data-step="link_issued"]').getAttribute('data-status')).toBe(
      'succeeded',
    )

    // The customer's Global Administrator, in their own browser (no staff session).
    const admin = await b.browser.newContext()
    contexts.push(admin)
    const adminPage = await admin.newPage()
    await adminPage.goto(linkUrl)
    await adminPage.getByRole('button', { name: /Continue to Microsoft/ }).click()
    await adminPage.locator(`form[action="/${tenant.id}/oauth2/v2.0/authorize"] button`).click()
    await adminPage.waitForURL(new RegExp(`/${tenant.id}/v2\\.0/adminconsent`))
    await adminPage.getByRole('button', { name: 'Accept', exact: true }).click()
    await adminPage.waitForURL(/\/consent\/result\//)
    await adminPage.locator('[data-outcome="configured"]').waitFor({ timeout: 30_000 })

    // The operator watches the customer page until the customer is compliant.
    await waitFor(async () => {
      await page.reload()
      return (await compliance(page)) === 'compliant'
    }, 'the dashboard to show the customer compliant')
    expect(await page.locator('#onboarding-state [data-onboarding]').getAttribute('data-onboarding')).toBe(
      'onboarded',
    )
    expectConfigured(sys, tenant.id)
    const steps = await attributes(page.locator('#steps li'), (li) => [
      li.getAttribute('data-step'),
      li.getAttribute('data-status'),
    ])
    expect(steps).toEqual([
      'link_issued:succeeded',
      'consent_received:succeeded',
      'access_verified:succeeded',
      'prerequisites_checked:succeeded',
      'tenant_confirmed:succeeded',
      'policy_applied:succeeded',
      'verified:succeeded',
    ])
    // The partner entry, as the customer's admin center lists it under Organizational settings.
    const entry = page.locator('table.partner-entry tbody td')
    expect((await entry.allTextContents()).map((t) => t.trim())).toEqual([
      'Configured',
      'Inherited from default',
      'Inherited from default',
    ])
    expect(await page.locator('table.diff tbody tr').count()).toBeGreaterThanOrEqual(10)
    expect(await page.locator('table.diff tbody tr.differs').count()).toBe(0)
    // Operators may re-check, apply and issue links; offboarding and mode changes are for admins.
    for (const action of ['recheck', 'apply', 'consent-links'])
      expect(await page.locator(`[data-action="${action}"]`).count()).toBe(1)
    for (const action of ['offboard', 'mode'])
      expect(await page.locator(`[data-action="${action}"]`).count()).toBe(0)
    await shot(page, 'dashboard-customer-detail')

    // Re-check now: POST-redirect-GET with a message, and a staff-triggered run appears.
    await page.getByRole('button', { name: 'Re-check now' }).click()
    await page.waitForURL(`${sys.baseUrl}/customers/${customerId}`)
    expect(await page.locator('.flash').textContent()).toContain('Check requested')
    await waitFor(
      () =>
        sys.db.prisma.checkRun.findFirst({ where: { customerId, trigger: 'staff', outcome: 'compliant' } }),
      'the staff re-check to finish',
    )
    const audit = await sys.db.prisma.auditEvent.findFirst({
      where: { customerId, action: 'check.requested' },
    })
    expect(audit?.actorName).toBe('Oskar Operator')

    // The list shows the customer with the partner-entry columns; the overview counts it.
    await page.goto(`${sys.baseUrl}/customers?q=${encodeURIComponent('Fabrikam')}`)
    const row = page.locator(`tr[data-customer-id="${customerId}"]`)
    expect(await row.locator('td[data-col="inboundAccess"]').textContent()).toContain('Configured')
    expect(await row.locator('td[data-col="outboundAccess"]').textContent()).toContain(
      'Inherited from default',
    )
    expect(await row.locator('td[data-col="tenantRestrictions"]').textContent()).toContain(
      'Inherited from default',
    )
    expect(await row.locator('[data-compliance]').getAttribute('data-compliance')).toBe('compliant')
    expect(await row.locator('time').getAttribute('datetime')).toMatch(/^\d{4}-\d{2}-\d{2}T/)
    await page.goto(`${sys.baseUrl}/customers`)
    expect(await page.locator('table.customers tbody tr').count()).toBe(6)
    await shot(page, 'dashboard-customers')

    await page.goto(`${sys.baseUrl}/`)
    expect(await page.locator('h1').textContent()).toBe('Overview')
    expect(await page.locator('#by-compliance ~ ul li[data-key="compliant"] .n').textContent()).toBe('2')
    expect(await page.locator('#by-compliance ~ ul li[data-key="drifted"] a').getAttribute('href')).toBe(
      '/customers?complianceState=drifted',
    )
    const attention = await attributes(page.locator('section.attention tbody tr'), (tr) => [
      tr.getAttribute('data-reason'),
      tr.locator('th').textContent(),
    ])
    expect(attention.sort()).toEqual([
      'access_lost:Woodgrove Bank',
      'drifted:Contoso Logistics AB',
      'failed_onboarding:Northwind Traders AB',
      'link_expiring:Tailspin Toys AB',
    ])
    expect(await page.locator('section.attention tbody tr time').first().getAttribute('title')).toMatch(
      /UTC$/,
    )
    await shot(page, 'dashboard-overview')
    expect(errors).toEqual([])
  })

  it('operator: confirms a first-time tenant on the customer page, and onboarding completes', async () => {
    const tenant = addTenant(sys, { displayName: 'Litware Inc' })
    const { customerId, linkUrl } = await newCustomer(sys, 'Litware Inc')
    await consentAs(linkUrl, tenant.id, 'accept')
    await waitFor(async () => {
      const c = await sys.db.prisma.customer.findUniqueOrThrow({ where: { id: customerId } })
      return c.onboardingState === 'awaiting_confirmation'
    }, 'the customer to wait for a confirmation')
    const { page, errors } = await signIn('Oskar Operator')
    await page.goto(`${sys.baseUrl}/customers/${customerId}`)
    const panel = page.locator('#tenant-confirmation')
    const question = (await panel.textContent()) ?? ''
    expect(question).toContain('Litware Inc')
    expect(question).toContain(tenant.id)
    expect(question).toContain(tenant.domain)
    expect(question).toContain(`admin@${tenant.domain}`)
    await shot(page, 'dashboard-confirm-tenant')
    await panel.locator('button[data-decision="confirm"]').click()
    await page.waitForURL(`${sys.baseUrl}/customers/${customerId}`)
    expect(await page.locator('.flash').textContent()).toContain('Tenant confirmed')
    await waitFor(async () => {
      const c = await sys.db.prisma.customer.findUniqueOrThrow({ where: { id: customerId } })
      return c.onboardingState === 'onboarded' ? c : null
    }, 'onboarding to complete after the confirmation')
    const customer = await sys.db.prisma.customer.findUniqueOrThrow({ where: { id: customerId } })
    expect(customer).toMatchObject({ tenantId: tenant.id, tenantConfirmedBy: 'Oskar Operator' })
    expect(errors).toEqual([])
  })
})
