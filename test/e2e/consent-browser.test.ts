// The customer administrator's journey in a real browser (headless Debian Chromium + playwright-core):
// consent link → landing page → Microsoft's (simulated) account picker and sign-in → Microsoft's consent page
// → back to Crosstrust → (a first-time tenant: an Operator confirms it) → "Configured", then the simulator's
// stored partner entry is checked against the policy. Also a wrong-tenant sign-in, the Cancel → "Try again"
// path, and hostile values that must not execute. Screenshots go to .artifacts/screenshots/ (git-ignored).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { confirmTenant } from '@crosstrust/services'
import {
  addTenant,
  callbackUrl,
  consentPhaseState,
  finished,
  newCustomer,
  serviceContext,
  STAFF,
} from '../support/consent-steps.ts'
import { openBrowser, type BrowserSession } from '../support/browser.ts'
import { expectConfigured, expectExactlyPolicy, PARTNER, storedPartner } from '../support/partner-assert.ts'
import { startSystem, type System } from '../support/system.ts'
import { PAYLOADS } from '../support/xss.ts'

let sys: System
let b: BrowserSession

beforeAll(async () => {
  sys = await startSystem()
  b = await openBrowser([sys.sim.loginUrl])
})
afterAll(async () => {
  await b.close()
  await sys.stop()
})

/** Waits for the result page to settle on an outcome; it polls the status endpoint and reloads itself. */
async function outcome(): Promise<string | null> {
  const final = b.page.locator('[data-outcome="configured"], [data-outcome="failed"]')
  await final.waitFor({ timeout: 20_000 })
  return final.getAttribute('data-outcome')
}

/** Microsoft's account picker: the (only) administrator of `tenantId`. */
async function pickAccount(tenantId: string): Promise<void> {
  await b.page.waitForURL(/\/organizations\/oauth2\/v2\.0\/authorize/)
  await b.page.locator(`form[action="/${tenantId}/oauth2/v2.0/authorize"] button`).click()
}

describe('consent in the browser', () => {
  it('accept via "organizations": picks the tenant, accepts, and sees "Configured"', async () => {
    const tenant = addTenant(sys, { displayName: 'Browser Accept AB' })
    // No expected tenant: the admin consent URL uses `organizations`, so Microsoft asks for the account.
    const { customerId, linkUrl } = await newCustomer(sys, 'Browser Accept AB')
    const { page } = b

    await page.goto(linkUrl)
    await expect.poll(() => page.title()).toContain('Truesec Detect AB')
    const who = page.locator('section[aria-labelledby="who"]')
    expect(await who.textContent()).toContain('Truesec Detect AB')
    expect(await who.textContent()).toContain(PARTNER)
    const changes = page.locator('section[aria-labelledby="what"] table')
    const rows = await changes.locator('tbody tr').allTextContents()
    expect(rows.length).toBeGreaterThanOrEqual(5)
    const table = rows.join('\n')
    expect(table).toMatch(/Allow access: all Truesec Detect AB users and groups/)
    expect(table).toMatch(/Allow access: all applications/)
    expect(table).toMatch(/On \(checked\)/)
    expect(table).toMatch(/Off \(unchecked\)/)
    expect(await page.locator('section[aria-labelledby="perms"]').textContent()).toContain(
      'Policy.ReadWrite.CrossTenantAccess',
    )
    await b.screenshot('01-landing')

    await page.getByRole('button', { name: /Continue to Microsoft/ }).click()
    await page.waitForURL(/\/organizations\/oauth2\/v2\.0\/authorize/)
    await b.screenshot('02-pick-account')
    await pickAccount(tenant.id)
    // Signed in: Crosstrust sends the admin to the admin consent page of exactly the signed-in tenant.
    await page.waitForURL(new RegExp(`/${tenant.id}/v2\\.0/adminconsent`))
    expect(await page.locator('#tenant-name').textContent()).toBe('Browser Accept AB')
    expect(await page.locator('#app-name').textContent()).toBe('Crosstrust by Truesec Detect')
    await b.screenshot('03-microsoft-consent')
    await page.getByRole('button', { name: 'Accept', exact: true }).click()

    // A first-time tenant: nothing is written until an Operator confirms it is this customer.
    await page.waitForURL(/\/consent\/result\//)
    await page.locator('[data-outcome="awaiting"]').waitFor({ timeout: 20_000 })
    await b.screenshot('04-awaiting-confirmation')
    const waiting = await finished(sys, customerId)
    expect(waiting).toMatchObject({
      onboardingState: 'awaiting_confirmation',
      tenantId: null,
      consentedTenantId: tenant.id,
    })
    expect(storedPartner(sys, tenant.id)).toBeUndefined()
    await confirmTenant(serviceContext(sys), customerId, tenant.id, STAFF)

    await page.waitForURL(/\/consent\/result\//)
    expect(await outcome()).toBe('configured')
    expect(await page.locator('#outcome').textContent()).toMatch(/Configured\./)
    const items = page.locator('#steps li')
    const steps: string[] = []
    for (let n = 0; n < (await items.count()); n += 1) {
      const item = items.nth(n)
      steps.push(
        `${(await item.getAttribute('data-step')) ?? ''}:${(await item.getAttribute('class')) ?? ''}`,
      )
    }
    expect(steps).toEqual([
      'link_issued:succeeded',
      'consent_received:succeeded',
      'access_verified:succeeded',
      'prerequisites_checked:succeeded',
      'tenant_confirmed:succeeded',
      'policy_applied:succeeded',
      'verified:succeeded',
    ])
    await b.screenshot('05-configured')

    // Will it work? Onboarding evaluated the first verdict; the page reloads itself once it is stored.
    const verdict = page.locator('#verdict [data-verdict-headline]')
    await verdict.waitFor({ timeout: 20_000 })
    const trust = await sys.db.prisma.customerTrust.findUniqueOrThrow({ where: { customerId } })
    expect(await verdict.textContent()).toContain(trust.reason)
    expect(await page.locator('#live').getAttribute('data-phase')).toBe('verdict')
    await b.screenshot('06-verdict')

    const customer = await finished(sys, customerId)
    expect(customer.onboardingState).toBe('onboarded')
    expect(customer.tenantId).toBe(tenant.id)
    expectConfigured(sys, tenant.id)
    expectExactlyPolicy(sys, tenant.id)
    expect(b.dialogs).toEqual([])
    expect(b.errors).toEqual([])
    expect(b.failedLoads).toEqual([])
  })

  it('cancel lands on a page offering "Try again", which leads back to the consent page', async () => {
    const tenant = addTenant(sys, { displayName: 'Browser Cancel AB' })
    const { customerId, linkUrl } = await newCustomer(sys, 'Browser Cancel AB', tenant.id)
    const { page } = b

    await page.goto(linkUrl)
    await page.getByRole('button', { name: /Continue to Microsoft/ }).click()
    await pickAccount(tenant.id)
    await page.waitForURL(new RegExp(`/${tenant.id}/v2\\.0/adminconsent`))
    await page.getByRole('button', { name: 'Cancel', exact: true }).click()
    await page.waitForURL(/\/consent\/callback/)
    expect(await page.locator('h1').textContent()).toMatch(/Consent (declined|cancelled)/)
    expect(await page.locator('main').textContent()).toContain('denied the request')
    await b.screenshot('06-cancelled')
    expect(storedPartner(sys, tenant.id)).toBeUndefined()
    expect((await finished(sys, customerId)).onboardingState).toBe('failed')

    await page.getByRole('button', { name: 'Try again' }).click()
    await pickAccount(tenant.id)
    await page.waitForURL(new RegExp(`/${tenant.id}/v2\\.0/adminconsent`))
    await expect.poll(() => page.getByRole('button', { name: 'Accept', exact: true }).count()).toBe(1)
    await b.screenshot('07-try-again-consent-page')
    await page.getByRole('button', { name: 'Accept', exact: true }).click()
    await page.waitForURL(/\/consent\/result\//)
    expect(await outcome()).toBe('configured')
    expectConfigured(sys, tenant.id)
    expect(b.dialogs).toEqual([])
  })

  it('hostile values render as text and never run', async () => {
    const { page } = b
    const payload = PAYLOADS[0] ?? ''
    const other = PAYLOADS[1] ?? ''
    const tenant = addTenant(sys)
    const { linkUrl, token } = await newCustomer(sys, `Evil ${payload}`, tenant.id)

    await page.goto(linkUrl)
    expect(await page.locator('.lead').textContent()).toContain(`Evil ${payload}`)
    expect(await page.locator('main script, main img').count()).toBe(0)

    const { state, cookieName, browserSecret } = await consentPhaseState(sys, token, tenant.id)
    await b.context.addCookies([
      { name: cookieName, value: browserSecret, domain: '127.0.0.1', path: '/consent', httpOnly: true },
    ])
    await page.goto(
      callbackUrl(sys, { admin_consent: 'True', error: other, error_description: payload, state }),
    )
    const main = (await page.locator('main').textContent()) ?? ''
    expect(main).toContain(payload)
    expect(main).toContain(other)
    expect(await page.locator('main script, main img').count()).toBe(0)
    await b.screenshot('08-xss-as-text')

    await page.goto(callbackUrl(sys, { state: payload, tenant: other }))
    expect(await page.locator('main img').count()).toBe(0)
    await page.goto(`${sys.baseUrl}/consent/${encodeURIComponent(other)}`)
    await page.goto(`${sys.baseUrl}/consent/result/${encodeURIComponent(payload)}`)
    expect(b.dialogs).toEqual([])
  })
  it('an administrator of another tenant is refused with the tenant to use, and nothing changes', async () => {
    const expected = addTenant(sys, { displayName: 'Browser Expected AB' })
    const other = addTenant(sys, { displayName: 'Browser Other AB' })
    const { customerId, linkUrl } = await newCustomer(sys, 'Browser Expected AB', expected.id)
    const { page } = b
    await page.goto(linkUrl)
    await page.getByRole('button', { name: /Continue to Microsoft/ }).click()
    await pickAccount(other.id)
    await page.waitForURL(/\/consent\/signed-in/)
    expect(await page.locator('h1').textContent()).toBe('Wrong tenant')
    expect(await page.locator('#refusal').textContent()).toContain(
      `Sign in with an administrator of tenant ${expected.id}`,
    )
    await b.screenshot('09-wrong-tenant')
    const customer = await sys.db.prisma.customer.findUniqueOrThrow({ where: { id: customerId } })
    expect(customer).toMatchObject({
      onboardingState: 'link_issued',
      tenantId: null,
      consentedTenantId: null,
    })
    expect(storedPartner(sys, other.id)).toBeUndefined()
    expect(b.dialogs).toEqual([])
  })
})
