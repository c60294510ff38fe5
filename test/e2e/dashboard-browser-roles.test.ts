// The staff dashboard in a real browser, by role: a viewer sees no action buttons and is refused (403) when
// posting anyway with a valid CSRF token; an admin accepts a deviation, applies, changes the mode, manages
// webhooks and offboards (with typed confirmation). Screenshots go to .artifacts/screenshots/ (git-ignored).
import { beforeAll, describe, expect, it } from 'vitest'
import { seedOnboardedCustomer } from '../support/monitoring.ts'
import { waitFor } from '../support/system.ts'
import { compliance, shared, shot, signIn, sys, useDashboardBrowser } from '../support/dashboard-browser.ts'

useDashboardBrowser()

// The viewer and the admin work on an onboarded, compliant customer: the operator's tests onboard one through
// the browser, these seed their own.
beforeAll(async () => {
  const customer = await seedOnboardedCustomer(sys, { name: 'Fabrikam Dashboard AB' })
  shared.customerId = customer.id
  shared.tenantId = customer.tenantId ?? ''
  shared.name = customer.name
})

describe('staff dashboard in the browser', () => {
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
