// Shared setup of the dashboard browser tests: a whole Crosstrust (simulator, database, API, worker), a
// headless Chromium, customers in every state the overview knows, and staff signed in through the
// simulator's Entra ID. `sys` is an ES live binding set by useDashboardBrowser's hooks.
import { afterAll, beforeAll, expect } from 'vitest'
import type { BrowserContext, Locator, Page } from 'playwright-core'
import { openBrowser, SCREENSHOT_DIR, type BrowserSession } from './browser.ts'
import { consentAs } from './consent-driver.ts'
import { addTenant, newCustomer } from './consent-steps.ts'
import { APP, checkNow, seedOnboardedCustomer, tamper } from './monitoring.ts'
import { startSystem, type System } from './system.ts'

export let sys: System
export let b: BrowserSession
export const contexts: BrowserContext[] = []

/** Shared between the tests below, which run in order: the operator's customer and the drifted one. */
export const shared: { customerId?: string; tenantId?: string; name?: string; driftedId?: string } = {}

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

/** One whole Crosstrust, a browser and the neighbour customers per test file; closed after its tests. */
export function useDashboardBrowser(): void {
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
}

/** Console errors, page errors (CSP violations included) and dialogs of every staff page, per context. */
interface Staff {
  page: Page
  errors: string[]
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: new URL(`${name}.png`, SCREENSHOT_DIR).pathname, fullPage: true })
}

/** A fresh browser context signed in through the simulator's account picker as `displayName`. */
export async function signIn(displayName: string): Promise<Staff> {
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
export async function attributes(
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

export async function compliance(page: Page): Promise<string | null> {
  return page.locator('#compliance-state [data-compliance]').getAttribute('data-compliance')
}
