// The customer's status page, end to end: an onboarded customer's admin opens the status link in headless
// Chromium, signs in at (simulated) Microsoft with an account of their own tenant, sees what is configured,
// whether it matches and the effective-trust verdict, and removes the configuration. The simulated tenant
// then holds no partner entry, staff see "Removed by customer" over the API, and the staff webhook got
// `removed_by_customer`. Failure paths over plain HTTP: a wrong-tenant admin, a revoked link, an admin
// without an allowed role, a token without `wids`, a POST without the form token, a replayed state.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashToken } from '@crosstrust/core'
import { DEMO_IDS } from '@crosstrust/ms-sim'
import { createWebhookEndpoint, statusCsrfToken, type ServiceContext } from '@crosstrust/services'
import { AdminBrowser, locationOf, pickAccount } from '../support/admin-browser.ts'
import { openBrowser, type BrowserSession } from '../support/browser.ts'
import { consentAs } from '../support/consent-driver.ts'
import { addTenant, newCustomer, serviceContext, STAFF } from '../support/consent-steps.ts'
import { storedPartner } from '../support/partner-assert.ts'
import { staffTokens, type StaffUser } from '../support/staff-tokens.ts'
import { startSystem, type System } from '../support/system.ts'
import { RECEIVER_NETWORK, startReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts'

let sys: System
let ctx: ServiceContext
let b: BrowserSession
let receiver: WebhookReceiver
let tokens: Record<StaffUser, string>

beforeAll(async () => {
  receiver = await startReceiver()
  sys = await startSystem({
    env: { WEBHOOK_ALLOWED_PRIVATE_NETWORKS: RECEIVER_NETWORK },
    notifications: { baseDelayMs: 200, maxDelayMs: 1_000, maxAttempts: 6, timeoutMs: 2_000 },
  })
  ctx = serviceContext(sys)
  await createWebhookEndpoint(ctx, { name: 'SOC', url: receiver.url, format: 'json' }, STAFF, {
    allowedPrivateNetworks: sys.config.WEBHOOK_ALLOWED_PRIVATE_NETWORKS,
  })
  tokens = await staffTokens(sys)
  b = await openBrowser([sys.sim.loginUrl])
}, 60_000)
afterAll(async () => {
  await b.close()
  await sys.stop()
  await receiver.close()
})

async function api(method: string, path: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${sys.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${tokens.operator}` },
  })
  return { status: res.status, body: await res.json() }
}

/** An onboarded customer (consented over HTTP) and a fresh status link issued by staff over the API. */
async function onboarded(
  name: string,
): Promise<{ tenant: { id: string; domain: string }; customerId: string; statusUrl: string }> {
  const tenant = addTenant(sys, { displayName: name })
  const { customerId, linkUrl } = await newCustomer(sys, name, tenant.id)
  await consentAs(linkUrl, tenant.id, 'accept')
  await expect
    .poll(
      async () =>
        (await sys.db.prisma.customer.findUniqueOrThrow({ where: { id: customerId } })).onboardingState,
      { timeout: 30_000 },
    )
    .toBe('onboarded')
  const issued = await api('POST', `/api/v1/customers/${customerId}/status-link`)
  expect(issued.status).toBe(201)
  const statusUrl = (issued.body as { url: string }).url
  expect(statusUrl).toMatch(new RegExp(`^${sys.baseUrl}/status/[A-Za-z0-9_-]{20,}$`))
  return { tenant, customerId, statusUrl }
}

/** Over HTTP: the status link's sign-in as `upn` of `tenantId`; returns the answer to `/status/signed-in`. */
async function signInOverHttp(browser: AdminBrowser, statusUrl: string, tenantId: string, upn?: string) {
  const started = await browser.fetch(`${statusUrl}/sign-in`, { method: 'POST' })
  expect(started.status).toBe(303)
  const signedInUrl = await pickAccount(browser, locationOf(started, statusUrl), tenantId, upn)
  expect(signedInUrl).toContain('/status/signed-in?')
  return { signedInUrl, answer: await browser.get(signedInUrl) }
}

describe('the customer status page', () => {
  it('the admin signs in, sees the status and verdicts, and removes the configuration', async () => {
    const { tenant, customerId, statusUrl } = await onboarded('Status Page AB')
    expect(storedPartner(sys, tenant.id)).toBeDefined()
    const summary = await api('GET', `/api/v1/customers/${customerId}/status-link`)
    const { working } = summary.body as { working: { delivery: string; createdBy: string }[] }
    expect(working.map((l) => l.delivery)).toEqual(['staff'])
    expect(working[0]?.createdBy).toBeTruthy()

    const { page } = b
    await page.goto(statusUrl)
    // Before sign-in the link page names nobody: a leaked link does not reveal whose partner we are.
    expect(await page.locator('h1').textContent()).toBe('Partner configuration status')
    expect(await page.locator('main').textContent()).not.toContain('Status Page AB')
    await page.getByRole('button', { name: 'Sign in with Microsoft' }).click()
    await page.waitForURL(/\/organizations\/oauth2\/v2\.0\/authorize/)
    await page.locator(`form[action="/${tenant.id}/oauth2/v2.0/authorize"] button`).first().click()
    await page.waitForURL(/\/status\/view$/)
    await b.screenshot('status-01-page')
    const body = (await page.locator('main').textContent()) ?? ''
    expect(body).toContain('Status Page AB')
    expect(body).toContain(`admin@${tenant.domain}`)
    expect(await page.locator('[data-status]').getAttribute('data-status')).toBe('managed')
    expect(body).toContain('matches the agreed configuration')
    expect(await page.locator('table tbody tr').count()).toBeGreaterThanOrEqual(5)
    await page.locator('[data-verdict]').waitFor()
    expect(body).toContain('Partner configuration set up')
    // The session cookie is the status page's own: HttpOnly, Lax, scoped to /status.
    const session = (await page.context().cookies()).find((c) => c.name === 'crosstrust_status_session')
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/status' })

    await page.getByRole('button', { name: /Remove .*configuration/ }).click()
    await page.waitForURL(/\/status\/view\/remove\??$/)
    await page.getByRole('button', { name: 'Yes, remove it' }).click()
    await page.locator('[data-removal="queued"]').waitFor()
    // Deleting the application now would take away the access the removal needs: not offered yet.
    expect(await page.locator('main').textContent()).toContain('Do not delete')
    expect(await page.getByRole('link', { name: /Open the application/ }).count()).toBe(0)
    await b.screenshot('status-02-removal-requested')

    await expect.poll(() => storedPartner(sys, tenant.id), { timeout: 30_000 }).toBeUndefined()
    await expect
      .poll(
        async () => {
          const customer = await api('GET', `/api/v1/customers/${customerId}`)
          return (customer.body as { status: { code: string; label: string } }).status
        },
        { timeout: 30_000 },
      )
      .toMatchObject({ code: 'removed_by_customer', label: 'Removed by customer' })
    interface Sent {
      customer: { id: string }
      customerStatus: { code: string; label: string }
      detail: string
    }
    const sent = () =>
      receiver.requests
        .filter((r) => r.headers['x-crosstrust-event'] === 'crosstrust.removed_by_customer')
        .map((r) => JSON.parse(r.body) as Sent)
        .find((event) => event.customer.id === customerId)
    await expect.poll(sent, { timeout: 30_000 }).toBeDefined()
    expect(sent()?.customerStatus).toEqual({ code: 'removed_by_customer', label: 'Removed by customer' })
    expect(sent()?.detail).toContain(`admin@${tenant.domain} removed the partner configuration`)
    const audit = await sys.db.prisma.auditEvent.findFirstOrThrow({
      where: { customerId, action: 'customer.removal_requested_by_customer' },
    })
    expect(audit).toMatchObject({ actorType: 'customer_admin', actorName: `admin@${tenant.domain}` })
    expect(audit.after).toMatchObject({ admin: { upn: `admin@${tenant.domain}`, tenantId: tenant.id } })

    // Read-only afterwards: who removed it and when, and no removal button.
    await page.goto(`${sys.baseUrl}/status/view`)
    expect(await page.locator('[data-removed="customer"]').textContent()).toMatch(
      new RegExp(`Removed on \\d{4}-\\d{2}-\\d{2} by admin@${tenant.domain.replaceAll('.', '\\.')}`),
    )
    expect(await page.getByRole('button', { name: /Remove .*configuration/ }).count()).toBe(0)
    // Only now, with our entry verified gone, is deleting the application the last step.
    const appLink = page.getByRole('link', { name: /Open the application in the Entra admin center/ })
    expect(await appLink.getAttribute('href')).toContain(`/appId/${DEMO_IDS.appClientId}`)
    expect(b.dialogs).toEqual([])
  }, 120_000)

  it('when our access is gone before the removal runs, the page says the entry is still there and how to delete it', async () => {
    const { tenant, customerId, statusUrl } = await onboarded('Status Access Lost AB')
    const browser = new AdminBrowser()
    const { answer } = await signInOverHttp(browser, statusUrl, tenant.id)
    expect(answer.status).toBe(303)
    const csrf = await formTokenOf(browser)
    expect(csrf).not.toBeNull()
    // The admin deletes our application first: the offboard job can no longer reach the tenant.
    sys.sim.state.requireTenant(tenant.id).settings = { revocationEffect: 'immediate' }
    expect(sys.sim.state.revokeConsent(tenant.id, DEMO_IDS.appClientId)).toBe(true)
    const posted = await browser.fetch(`${sys.baseUrl}/status/view/remove`, {
      method: 'POST',
      body: new URLSearchParams({ csrf: csrf ?? '', confirm: 'remove' }),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    })
    expect(posted.status).toBe(202)
    await expect
      .poll(
        async () =>
          (await sys.db.prisma.customer.findUniqueOrThrow({ where: { id: customerId } })).onboardingState,
        { timeout: 30_000 },
      )
      .toBe('offboarded')
    expect(storedPartner(sys, tenant.id)).toBeDefined()

    const view = await browser.get(`${sys.baseUrl}/status/view`)
    expect(view.status).toBe(200)
    expect(view.body).toContain('data-entry="left_in_tenant"')
    expect(view.body).not.toMatch(/Removed on|Removed by|Partner configuration removed/)
    expect(view.body).toContain('could not delete our partner entry')
    expect(view.body).toContain(DEMO_IDS.partnerTenantId)
    expect(view.body).toContain('cross-tenant-access-settings-b2b-collaboration#remove-an-organization')
    expect(view.body).not.toContain('data-step="delete-app"')
  }, 90_000)

  it('refuses an admin of another tenant and shows nothing of the customer', async () => {
    const { customerId, statusUrl } = await onboarded('Status Other Tenant AB')
    const stranger = addTenant(sys, { displayName: 'Stranger AB' })
    const browser = new AdminBrowser()
    const { answer } = await signInOverHttp(browser, statusUrl, stranger.id)
    expect(answer.status).toBe(403)
    expect(answer.body).toContain('This account cannot see this status page')
    expect(answer.body).not.toContain('Status Other Tenant AB')
    expect(browser.cookie('crosstrust_status_session')).toBeUndefined()
    expect((await browser.get(`${sys.baseUrl}/status/view`)).status).toBe(401)
    const refused = await sys.db.prisma.auditEvent.findFirst({
      where: { customerId, action: 'status_page.tenant_refused' },
    })
    expect(refused?.after).toMatchObject({ tenantId: stranger.id })
  }, 90_000)

  it('a revoked or replaced link says it no longer works, and ends signed-in sessions', async () => {
    const { tenant, customerId, statusUrl } = await onboarded('Status Revoked AB')
    const browser = new AdminBrowser()
    const { answer } = await signInOverHttp(browser, statusUrl, tenant.id)
    expect(answer.status).toBe(303)
    expect((await browser.get(`${sys.baseUrl}/status/view`)).status).toBe(200)

    // A fresh link replaces the earlier one at once.
    const fresh = await api('POST', `/api/v1/customers/${customerId}/status-link`)
    const replaced = await browser.get(statusUrl)
    expect(replaced.status).toBe(410)
    expect(replaced.body).toContain('This link no longer works')
    const gone = await browser.get(`${sys.baseUrl}/status/view`)
    expect(gone.body).toContain('This link no longer works')

    expect((await api('DELETE', `/api/v1/customers/${customerId}/status-link`)).body).toEqual({ revoked: 1 })
    const revoked = await browser.get((fresh.body as { url: string }).url)
    expect(revoked.status).toBe(410)
    expect(revoked.body).toContain('This link no longer works')
    const audit = await sys.db.prisma.auditEvent.findMany({
      where: { customerId, action: { in: ['status_link.issued', 'status_link.revoked'] } },
    })
    expect(audit.map((a) => a.action).sort()).toEqual([
      'status_link.issued',
      'status_link.issued',
      'status_link.revoked',
    ])
  }, 90_000)

  it('an admin without an allowed role sees the page but cannot remove', async () => {
    const { tenant, customerId, statusUrl } = await onboarded('Status Helpdesk AB')
    sys.sim.state.addUser(tenant.id, {
      displayName: 'Helpdesk',
      userPrincipalName: `helpdesk@${tenant.domain}`,
      directoryRoles: ['Helpdesk Administrator'],
    })
    const browser = new AdminBrowser()
    const { answer } = await signInOverHttp(browser, statusUrl, tenant.id, `helpdesk@${tenant.domain}`)
    expect(answer.status).toBe(303)
    const view = await browser.get(`${sys.baseUrl}/status/view`)
    expect(view.status).toBe(200)
    expect(view.body).toContain('data-removal="refused"')
    expect(view.body).toContain('Only a Global Administrator or Security Administrator')
    expect((await browser.get(`${sys.baseUrl}/status/view/remove`)).status).toBe(403)

    // Even a well-formed POST is refused for the role alone: the confirmation page is never shown to this
    // admin, so the test derives the session's real form token itself, as a forged page would have it.
    expect(await formTokenOf(browser)).toBeNull()
    const session = browser.cookie('crosstrust_status_session')
    expect(session).toBeDefined()
    const posted = await browser.fetch(`${sys.baseUrl}/status/view/remove`, {
      method: 'POST',
      body: new URLSearchParams({ csrf: statusCsrfToken(session ?? ''), confirm: 'remove' }),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    })
    expect(posted.status).toBe(403)
    const refusedBody = await posted.text()
    expect(refusedBody).toContain('Removal not allowed')
    expect(refusedBody).toContain('Only a Global Administrator or Security Administrator')
    const refused = await sys.db.prisma.auditEvent.findFirstOrThrow({
      where: { customerId, action: 'status_page.removal_refused' },
    })
    expect(refused).toMatchObject({ actorType: 'customer_admin', actorName: `helpdesk@${tenant.domain}` })
    expect(storedPartner(sys, tenant.id)).toBeDefined()
    const customer = await sys.db.prisma.customer.findUniqueOrThrow({ where: { id: customerId } })
    expect(customer.onboardingState).toBe('onboarded')
    expect(customer.offboardedBy).toBeNull()
  }, 90_000)

  it('a token without `wids` (the app does not ask for directory roles) is refused removal, page still shown', async () => {
    const { tenant, statusUrl } = await onboarded('Status No Wids AB')
    const app = sys.sim.state.getApp(DEMO_IDS.appClientId)
    if (!app) throw new Error('no app')
    app.groupMembershipClaims = 'None'
    try {
      const browser = new AdminBrowser()
      const { answer } = await signInOverHttp(browser, statusUrl, tenant.id)
      expect(answer.status).toBe(303)
      const view = await browser.get(`${sys.baseUrl}/status/view`)
      expect(view.status).toBe(200)
      expect(view.body).toContain('Microsoft did not tell us your directory roles')
      expect((await browser.get(`${sys.baseUrl}/status/view/remove`)).status).toBe(403)
    } finally {
      app.groupMembershipClaims = 'DirectoryRole'
    }
  }, 90_000)

  it('refuses a removal POST without the form token, a replayed sign-in state, and a stolen one in another browser', async () => {
    const { tenant, customerId, statusUrl } = await onboarded('Status Csrf AB')
    const browser = new AdminBrowser()
    const { signedInUrl, answer } = await signInOverHttp(browser, statusUrl, tenant.id)
    expect(answer.status).toBe(303)

    for (const body of [
      new URLSearchParams({ confirm: 'remove' }),
      new URLSearchParams({ csrf: 'a'.repeat(64), confirm: 'remove' }),
    ]) {
      const posted = await browser.fetch(`${sys.baseUrl}/status/view/remove`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      })
      expect(posted.status).toBe(403)
    }
    // The real form token without the confirmation changes nothing either.
    const csrf = await formTokenOf(browser)
    expect(csrf).not.toBeNull()
    const unconfirmed = await browser.fetch(`${sys.baseUrl}/status/view/remove`, {
      method: 'POST',
      body: new URLSearchParams({ csrf: csrf ?? '' }),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    })
    expect(unconfirmed.status).toBe(403)
    // Another browser with the form token but not the session cookie: not signed in.
    const other = await new AdminBrowser().fetch(`${sys.baseUrl}/status/view/remove`, {
      method: 'POST',
      body: new URLSearchParams({ csrf: csrf ?? '', confirm: 'remove' }),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    })
    expect(other.status).toBe(401)
    expect(
      (await sys.db.prisma.customer.findUniqueOrThrow({ where: { id: customerId } })).onboardingState,
    ).toBe('onboarded')

    // The sign-in's state, code and verifier are single use: the same redirect again is refused.
    // (Its binding cookie was cleared when it completed, so the browser no longer proves it started it.)
    const replayed = await browser.get(signedInUrl)
    expect(replayed.status).toBe(400)
    expect(replayed.body).toContain('We could not accept this sign-in')

    // A fresh sign-in's redirect, stolen and presented first in a browser that did not start it: refused as
    // another browser, and it does not use up the state, so the rightful browser still completes it.
    const started = await browser.fetch(`${statusUrl}/sign-in`, { method: 'POST' })
    expect(started.status).toBe(303)
    const freshUrl = await pickAccount(browser, locationOf(started, statusUrl), tenant.id)
    const thief = new AdminBrowser()
    const stolen = await thief.get(freshUrl)
    expect(stolen.status).toBe(400)
    expect(stolen.body).toContain('data-reason="other_browser"')
    expect(thief.cookie('crosstrust_status_session')).toBeUndefined()
    const earlierSession = browser.cookie('crosstrust_status_session') ?? ''
    const rightful = await browser.get(freshUrl)
    expect(rightful.status).toBe(303)
    expect(rightful.location).toBe('/status/view')
    // Signing in again ends the earlier session, and no sign-in binding cookie is left behind.
    expect(browser.cookie('crosstrust_status_session')).not.toBe(earlierSession)
    expect(
      await sys.db.prisma.statusSession.count({ where: { sessionHash: hashToken(earlierSession) } }),
    ).toBe(0)
    expect(browser.cookiesStartingWith('crosstrust_status_signin_')).toEqual([])
  }, 90_000)
})

describe('the status page link on the consent result page', () => {
  it('is handed once to the browser that consented, and works', async () => {
    const tenant = addTenant(sys, { displayName: 'Status From Consent AB' })
    const { customerId, linkUrl } = await newCustomer(sys, 'Status From Consent AB', tenant.id)
    const admin = new AdminBrowser()
    const run = await consentAs(linkUrl, tenant.id, 'accept', admin)
    const attemptId = /\/consent\/result\/([0-9a-f-]{36})/.exec(run.finalUrl)?.[1] ?? ''
    expect(attemptId).not.toBe('')
    await expect
      .poll(
        async () =>
          (await sys.db.prisma.customer.findUniqueOrThrow({ where: { id: customerId } })).onboardingState,
        { timeout: 30_000 },
      )
      .toBe('onboarded')
    const result = await admin.get(`${sys.baseUrl}/consent/result/${attemptId}`)
    expect(result.body).toContain(`/consent/result/${attemptId}/status-page`)

    // Another browser (a leaked attempt id) gets nothing.
    const stranger = await new AdminBrowser().fetch(
      `${sys.baseUrl}/consent/result/${attemptId}/status-page`,
      {
        method: 'POST',
      },
    )
    expect(stranger.status).toBe(404)

    const handed = await admin.fetch(`${sys.baseUrl}/consent/result/${attemptId}/status-page`, {
      method: 'POST',
    })
    expect(handed.status).toBe(200)
    const url = new RegExp(`${sys.baseUrl}/status/[A-Za-z0-9_-]{20,}`).exec(await handed.text())?.[0] ?? ''
    expect(url).not.toBe('')
    const again = await admin.fetch(`${sys.baseUrl}/consent/result/${attemptId}/status-page`, {
      method: 'POST',
    })
    expect(again.status).toBe(409)

    const { answer } = await signInOverHttp(new AdminBrowser(), url, tenant.id)
    expect(answer.status).toBe(303)
    const issued = await sys.db.prisma.auditEvent.findFirstOrThrow({
      where: { customerId, action: 'status_link.issued' },
    })
    expect(issued).toMatchObject({ actorType: 'customer_admin', actorName: `admin@${tenant.domain}` })
  }, 90_000)
})

/** The form token on the confirmation page, when this session may see it. */
async function formTokenOf(browser: AdminBrowser): Promise<string | null> {
  const page = await browser.get(`${sys.baseUrl}/status/view/remove`)
  return /name="csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? null
}
