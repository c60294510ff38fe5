// The staff dashboard in a real browser (headless Debian Chromium + playwright-core), against a whole
// Crosstrust (simulator, database, API, worker). Staff sign in through the simulator's Entra ID as each
// role. The operator creates a customer in the dashboard, copies its consent link from the page, the
// customer's administrator completes consent in another browser context, and the operator watches the
// customer reach "compliant". An operator confirms a first-time tenant from the customer page. A viewer sees no action buttons and is refused (403) when posting anyway with
// a valid CSRF token. An admin changes the mode, manages webhooks and offboards (with typed confirmation).
// Screenshots of the overview and the customer page go to .artifacts/screenshots/ (git-ignored).
import type { BrowserContext, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openBrowser, SCREENSHOT_DIR, type BrowserSession } from '../support/browser.ts'
import { consentAs } from '../support/consent-driver.ts'
import { addTenant, newCustomer } from '../support/consent-steps.ts'
import { APP, checkNow, seedOnboardedCustomer, tamper } from '../support/monitoring.ts'
import { expectConfigured } from '../support/partner-assert.ts'
import { startSystem, waitFor, type System } from '../support/system.ts'

let sys: System
let b: BrowserSession
const contexts: BrowserContext[] = []

/** Shared between the tests below, which run in order: the operator's customer and the drifted one. */
const shared: { customerId?: string; tenantId?: string; name?: string; driftedId?: string } = {}

/**
 * Other customers in every state the overview's "needs attention" list knows (and a calm one), each
 * reached through the real flows: a cancelled consent, a link about to expire, drift, revoked consent.
 */
async function seedNeighbours(): Promise<void> {
  const northwind = addTenant(sys, { displayName: 'Northwind Traders AB' })
  const failed = await newCustomer(sys, 'Northwind Traders AB', northwind.id)
  await consentAs(failed.linkUrl, northwind.id, 'cancel')
  const tailspin = await newCustomer(sys, 'Tailspin Toys AB')
  await sys.db.prisma.consentLink.updateMany({
    where: { customerId: tailspin.customerId },
    data: { expiresAt: new Date(Date.now() + 30 * 3600_000) },
  })
  const contoso = await seedOnboardedCustomer(sys, { name: 'Contoso Logistics AB' })
  tamper(sys, contoso.tenantId ?? '', (p) => {
    ;(p.inboundTrust as Record<string, unknown>).isMfaAccepted = false
  })
  expect((await checkNow(sys, contoso.id)).outcome).toBe('drifted')
  shared.driftedId = contoso.id
  const woodgrove = await seedOnboardedCustomer(sys, { name: 'Woodgrove Bank' })
  sys.sim.state.revokeConsent(woodgrove.tenantId ?? '', APP)
  expect((await checkNow(sys, woodgrove.id)).outcome).toBe('access_lost')
  await seedOnboardedCustomer(sys, { name: 'Litware Inc', mode: 'remediate' })
}

beforeAll(async () => {
  sys = await startSystem()
  b = await openBrowser([sys.sim.loginUrl])
  await seedNeighbours()
})
afterAll(async () => {
  for (const c of contexts) await c.close()
  await b.close()
  await sys.stop()
})

/** Console errors, page errors (CSP violations included) and dialogs of every staff page, per context. */
interface Staff {
  page: Page
  errors: string[]
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: new URL(`${name}.png`, SCREENSHOT_DIR).pathname, fullPage: true })
}

/** A fresh browser context signed in through the simulator's account picker as `displayName`. */
async function signIn(displayName: string): Promise<Staff> {
  const context = await b.browser.newContext({ viewport: { width: 1366, height: 900 } })
  contexts.push(context)
  // The copy button writes to the clipboard; the test reads it back.
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: sys.baseUrl })
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  page.on('console', (m) => {
    // Failed loads show up in `page.on('response')` of the tests that expect them (403s, 422s).
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text())
  })
  page.on('dialog', (d) => {
    errors.push(`dialog: ${d.message()}`)
    void d.dismiss()
  })
  await page.goto(`${sys.baseUrl}/customers`)
  // Not signed in: the dashboard sends the browser to Entra ID (the simulator), which asks for an account.
  await page.getByRole('button', { name: displayName, exact: true }).click()
  await page.waitForURL(`${sys.baseUrl}/customers`)
  expect(await page.locator('.topbar .who').textContent()).toContain(displayName)
  return { page, errors }
}

/** `a:b` per matched element, from two values read off each one. */
async function attributes(
  list: Locator,
  read: (item: Locator) => [Promise<string | null>, Promise<string | null>],
): Promise<string[]> {
  const out: string[] = []
  for (let n = 0; n < (await list.count()); n += 1) {
    const [a, b] = read(list.nth(n))
    out.push(`${(await a) ?? ''}:${((await b) ?? '').trim()}`)
  }
  return out
}

async function compliance(page: Page): Promise<string | null> {
  return page.locator('#compliance-state [data-compliance]').getAttribute('data-compliance')
}

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

  it('viewer: sees no action buttons, and a POST with a valid CSRF token is refused with 403', async () => {
    const customerId = shared.customerId ?? ''
    expect(customerId).not.toBe('')
    const { page, errors } = await signIn('Vera Viewer')
    await page.goto(`${sys.baseUrl}/`)
    expect(await page.getByRole('link', { name: 'New customer' }).count()).toBe(0)
    await page.goto(`${sys.baseUrl}/customers/${customerId}`)
    expect(await compliance(page)).toBe('compliant')
    // The only form is the sign-out form; no action buttons, no webhook link.
    expect(await page.locator('main form, main [data-action]').count()).toBe(0)
    expect(await page.locator('main button').count()).toBe(0)
    expect(await page.getByRole('link', { name: 'Webhooks' }).count()).toBe(0)

    // Posting anyway, with the viewer's own valid CSRF token: the route policy refuses it.
    const csrf = await page.locator('form[action="/auth/sign-out"] input[name="_csrf"]').inputValue()
    expect(csrf.length).toBeGreaterThan(20)
    const audited = await sys.db.prisma.auditEvent.count({ where: { customerId } })
    for (const action of ['recheck', 'apply', 'consent-links', 'offboard', 'mode']) {
      const res = await page.request.post(`${sys.baseUrl}/customers/${customerId}/${action}`, {
        form: { _csrf: csrf, confirm: shared.name ?? '', mode: 'report' },
        headers: { accept: 'text/html' },
        maxRedirects: 0,
      })
      expect(res.status(), action).toBe(403)
    }
    const page403 = await page.request.get(`${sys.baseUrl}/customers/new`, {
      headers: { accept: 'text/html' },
    })
    expect(page403.status()).toBe(403)
    expect(await sys.db.prisma.auditEvent.count({ where: { customerId } })).toBe(audited)
    // Filters and keyset pagination, forwards and back.
    await sys.db.prisma.customer.createMany({
      data: Array.from({ length: 30 }, (_, n) => ({ name: `Bulk customer ${String(n).padStart(2, '0')}` })),
    })
    await page.goto(`${sys.baseUrl}/customers?q=Bulk&sort=name`)
    const names = () => page.locator('table.customers tbody th a').allTextContents()
    const first = await names()
    expect(first).toHaveLength(25)
    expect(first[0]).toBe('Bulk customer 00')
    expect(await page.locator('a[rel="prev"]').count()).toBe(0)
    await page.locator('a[rel="next"]').click()
    expect(await names()).toEqual([
      'Bulk customer 25',
      'Bulk customer 26',
      'Bulk customer 27',
      'Bulk customer 28',
      'Bulk customer 29',
    ])
    expect(await page.locator('a[rel="next"]').count()).toBe(0)
    await page.locator('a[rel="prev"]').click()
    expect(await names()).toEqual(first)
    await page.goto(`${sys.baseUrl}/customers`)
    await page.getByLabel('Compliance').selectOption('drifted')
    await page.getByRole('button', { name: 'Apply' }).click()
    expect(await names()).toEqual(['Contoso Logistics AB'])

    // The drifted customer: the field that differs is marked, desired next to observed.
    await page.goto(`${sys.baseUrl}/customers/${shared.driftedId ?? ''}`)
    const mfa = page.locator('table.diff tr[data-field="inboundTrust.isMfaAccepted"]')
    expect(await mfa.getAttribute('class')).toContain('differs')
    expect((await mfa.locator('td.desired').textContent())?.trim()).toBe('On (checked)')
    expect((await mfa.locator('td.observed').textContent())?.trim()).toBe('Off (unchecked)')
    expect(await page.locator('table.diff tr.differs').count()).toBe(1)
    expect(await page.locator('main form, main [data-action]').count()).toBe(0)
    await shot(page, 'dashboard-customer-drifted')

    // An unknown customer is a page too (not JSON), with the navigation still there.
    const missing = await page.goto(`${sys.baseUrl}/customers/00000000-0000-4000-8000-000000000000`)
    expect(missing?.status()).toBe(404)
    expect(await page.locator('h1').textContent()).toBe('Not found')
    expect(await page.locator('.topbar nav').count()).toBe(1)

    // And the token is real: the same token signs the viewer out.
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.waitForURL(/\/auth\/signed-out/)
    expect(errors).toEqual([])
  })

  it('admin: accepts a deviation, applies, changes the mode, manages a webhook, offboards (typed confirmation)', async () => {
    const customerId = shared.customerId ?? ''
    const { page, errors } = await signIn('Alva Admin')
    await page.goto(`${sys.baseUrl}/customers/${customerId}`)

    await page.locator('[data-action="mode"] summary').click()
    await page.getByLabel(/Remediate/).check()
    await page.getByRole('button', { name: 'Save mode' }).click()
    await page.waitForURL(`${sys.baseUrl}/customers/${customerId}`)
    expect(await page.locator('.flash').textContent()).toContain('Mode set to remediate')
    expect((await sys.db.prisma.customer.findUniqueOrThrow({ where: { id: customerId } })).mode).toBe(
      'remediate',
    )

    // Accept the drifted customer's difference: it stops being drift (the check runs at once); revoke it again.
    const driftedId = shared.driftedId ?? ''
    await page.goto(`${sys.baseUrl}/customers/${driftedId}`)
    await page.locator('[data-action="accept-deviation"] summary').click()
    expect(await page.getByLabel('Setting', { exact: true }).inputValue()).toBe('inboundTrust.isMfaAccepted')
    await page
      .getByLabel('Reason', { exact: true })
      .fill('Customer enforces MFA with its own conditional access')
    await page.getByLabel('Owner').fill('Alva Admin')
    await page.getByRole('button', { name: 'Accept deviation' }).click()
    await page.waitForURL(`${sys.baseUrl}/customers/${driftedId}#diff`)
    expect(await page.locator('.flash').textContent()).toContain('Deviation accepted')
    await waitFor(async () => {
      await page.reload()
      return (await compliance(page)) === 'compliant'
    }, 'the accepted deviation to make the customer compliant')
    const row = page.locator('table.diff tr[data-field="inboundTrust.isMfaAccepted"]')
    expect(await row.textContent()).toContain('Accepted deviation')
    await page.locator('[data-action="revoke-deviation"] button').click()
    await page.waitForURL(`${sys.baseUrl}/customers/${driftedId}#diff`)
    expect(await page.locator('.flash').textContent()).toContain('Deviation revoked')
    await waitFor(async () => {
      await page.reload()
      return (await compliance(page)) === 'drifted'
    }, 'the revoked deviation to count as drift again')
    // Apply now (after its confirmation step) repairs the repairable difference whatever the mode.
    await page.locator('[data-action="apply"] summary').click()
    await page.getByRole('button', { name: 'Apply now' }).click()
    await page.waitForURL(`${sys.baseUrl}/customers/${driftedId}`)
    expect(await page.locator('.flash').textContent()).toContain('Apply requested')
    await waitFor(async () => {
      await page.reload()
      return (await compliance(page)) === 'compliant'
    }, 'apply to repair the drifted customer')

    // Webhooks: create (the secret appears once), then delete after confirming.
    await page.getByRole('link', { name: 'Webhooks' }).click()
    // The form states the target rule, and an internal target is refused with the reason, nothing stored.
    expect(await page.content()).toContain('WEBHOOK_ALLOWED_PRIVATE_NETWORKS opens none here')
    await page.getByLabel('Name').fill('Metadata')
    await page.getByLabel('URL').fill('https://169.254.169.254/latest/meta-data/')
    await page.getByRole('button', { name: 'Add endpoint' }).click()
    expect(await page.content()).toContain(
      'address 169.254.169.254 is not allowed (link-local); only public addresses are allowed',
    )
    expect(await sys.db.prisma.webhookEndpoint.count()).toBe(0)
    await page.getByLabel('Name').fill('SOC Teams channel')
    await page.getByLabel('URL').fill('https://hooks.example.com/crosstrust/abc')
    await page.getByLabel('Drifted').check()
    await page.getByRole('button', { name: 'Add endpoint' }).click()
    await page.waitForURL(`${sys.baseUrl}/webhooks`)
    const secret = await page.locator('#revealed').inputValue()
    expect(secret).toMatch(/^whsec_/)
    await shot(page, 'dashboard-webhooks')
    await page.reload()
    expect(await page.content()).not.toContain(secret)
    expect(await page.locator('tr[data-webhook] th').textContent()).toBe('SOC Teams channel')
    await page.locator('[data-action="delete-webhook"] summary').click()
    await page.getByRole('button', { name: 'Delete endpoint' }).click()
    await page.waitForURL(`${sys.baseUrl}/webhooks`)
    expect(await page.locator('tr[data-webhook]').count()).toBe(0)

    // Policy: publishing broken JSON changes nothing and says why.
    await page.getByRole('link', { name: 'Policy' }).click()
    await page.getByLabel('Policy definition (JSON)').fill('{ not json')
    await page.getByRole('button', { name: /Publish version 2/ }).click()
    expect(await page.locator('.notice.bad').textContent()).toContain('not valid JSON')
    expect(await sys.db.prisma.policyVersion.count()).toBe(0)
    await shot(page, 'dashboard-policy')

    // Offboarding needs the customer's name typed; a wrong one changes nothing.
    await page.goto(`${sys.baseUrl}/customers/${customerId}`)
    await page.locator('[data-action="offboard"] summary').click()
    await page.getByLabel(/to confirm/).fill('Fabrikam')
    await page.getByRole('button', { name: 'Offboard customer' }).click()
    await page.waitForURL(`${sys.baseUrl}/customers/${customerId}`)
    expect(await page.locator('.flash').textContent()).toContain('Nothing changed')
    expect(
      (await sys.db.prisma.customer.findUniqueOrThrow({ where: { id: customerId } })).onboardingState,
    ).toBe('onboarded')
    await page.locator('[data-action="offboard"] summary').click()
    await page.getByLabel(/to confirm/).fill(shared.name ?? '')
    await page.getByLabel('Reason (kept in the audit trail)').fill('Contract ended')
    await page.getByRole('button', { name: 'Offboard customer' }).click()
    await page.waitForURL(`${sys.baseUrl}/customers/${customerId}`)
    expect(await page.locator('.flash').textContent()).toContain('Offboarding started')
    await waitFor(async () => {
      await page.reload()
      return (
        (await page.locator('#onboarding-state [data-onboarding]').getAttribute('data-onboarding')) ===
        'offboarded'
      )
    }, 'the dashboard to show the customer offboarded')
    expect(
      sys.sim.state.requireTenant(shared.tenantId ?? '').partners.has(sys.config.PARTNER_TENANT_ID),
    ).toBe(false)
    await page.goto(`${sys.baseUrl}/audit?customerId=${customerId}`)
    const actions = await page.locator('table.audit tbody td .sub.mono').allTextContents()
    expect(actions).toEqual(expect.arrayContaining(['customer.offboard_requested', 'customer.mode_changed']))
    await shot(page, 'dashboard-audit')
    expect(errors).toEqual([])
  })
})
