// The consent flow cut into its single HTTP steps, so tests can stop between them: hold a callback URL
// back, replay it, tamper with it, or let a different tenant's administrator answer. Plus small helpers
// that create isolated customers and simulated tenants, so tests sharing one system never collide.
import { randomBytes, randomUUID } from 'node:crypto'
import { resolveTenant } from '@crosstrust/microsoft'
import { createCustomer, issueConsentLink, type Actor, type ServiceContext } from '@crosstrust/services'
import type { TenantSettings } from '@crosstrust/ms-sim'
import { generateConsentToken, hashToken, type OnboardingStep } from '@crosstrust/core'
import {
  type AdminBrowser,
  consentUrlAfterSignIn,
  defaultBrowser,
  locationOf,
  type Fetched,
} from './admin-browser.ts'
import type { System } from './system.ts'

export const STAFF: Actor = { type: 'staff', id: 'test-operator', name: 'Test Operator' }

export function serviceContext(sys: System): ServiceContext {
  return { db: sys.db.prisma, now: () => new Date(), enqueue: (k, p) => sys.queues.enqueue(k, p) }
}

/** A fresh simulated customer tenant (own GUID and domain) with one Global Administrator. */
export function addTenant(
  sys: System,
  opts: { displayName?: string; licence?: 'none' | 'P1' | 'P2'; settings?: TenantSettings } = {},
): { id: string; domain: string } {
  const id = randomUUID()
  const domain = `t${randomBytes(5).toString('hex')}.example`
  sys.sim.state.createTenant({
    id,
    displayName: opts.displayName ?? `Tenant ${domain}`,
    domains: [domain],
    licence: opts.licence ?? 'P2',
    users: [
      {
        displayName: 'Global Administrator',
        userPrincipalName: `admin@${domain}`,
        directoryRoles: ['Global Administrator'],
      },
    ],
    settings: opts.settings,
  })
  return { id, domain }
}

export async function newCustomer(
  sys: System,
  name: string,
  tenant?: string,
): Promise<{ customerId: string; linkUrl: string; token: string }> {
  const ctx = serviceContext(sys)
  const customer = await createCustomer(
    ctx,
    (t) => resolveTenant(sys.config.MS_LOGIN_URL, t),
    { name, tenant },
    STAFF,
  )
  const link = await issueConsentLink(ctx, { publicBaseUrl: sys.baseUrl, ttlDays: 14 }, customer.id, STAFF)
  return { customerId: customer.id, linkUrl: link.url, token: link.url.split('/').pop() ?? '' }
}

/**
 * "Continue to Microsoft", then sign in as the administrator of `tenantId` in `browser`: the admin consent
 * URL (with the consent leg's `state`) Crosstrust then sends the admin to.
 */
export async function startConsent(
  linkUrl: string,
  tenantId: string,
  browser: AdminBrowser = defaultBrowser,
): Promise<URL> {
  return consentUrlAfterSignIn(browser, linkUrl, tenantId)
}

/**
 * The administrator of `tenantId` answers Microsoft's consent page (whatever tenant the URL names: an
 * admin signed in to another tenant ends up consenting there). Returns the callback URL, not yet followed.
 */
export async function answerConsent(
  msUrl: URL,
  tenantId: string,
  decision: 'accept' | 'cancel',
  browser: AdminBrowser = defaultBrowser,
): Promise<string> {
  const url = new URL(msUrl)
  url.pathname = url.pathname.replace(/^\/[^/]+\//, `/${tenantId}/`)
  const form = new URLSearchParams()
  for (const key of ['client_id', 'redirect_uri', 'scope', 'state'])
    form.set(key, url.searchParams.get(key) ?? '')
  form.set('decision', decision)
  const res = await browser.fetch(url.origin + url.pathname, {
    method: 'POST',
    body: form,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  })
  return locationOf(res, url.toString())
}

export type { Fetched }

/** A GET in the admin's browser (by default the shared one), redirects not followed. */
export async function get(url: string, browser: AdminBrowser = defaultBrowser): Promise<Fetched> {
  return browser.get(url)
}

/** Consent attempts bind the browser with one cookie each, named after the attempt. */
export const CONSENT_COOKIE_PREFIX = 'crosstrust_consent_'

/**
 * A consent-leg `state` for a link, as if `tenantId`'s admin had signed in from `browser` (written straight
 * to the database, so tests of the callback's rendering do not spend the sign-in route's rate limit).
 * Returns the state and the binding cookie (for a Chromium context).
 */
export async function consentPhaseState(
  sys: System,
  token: string,
  tenantId: string,
  browser: AdminBrowser = defaultBrowser,
): Promise<{ state: string; cookieName: string; browserSecret: string }> {
  const link = await sys.db.prisma.consentLink.findUniqueOrThrow({ where: { tokenHash: hashToken(token) } })
  const browserSecret = generateConsentToken()
  const state = generateConsentToken()
  const row = await sys.db.prisma.consentState.create({
    data: {
      stateHash: hashToken(state),
      consentLinkId: link.id,
      expiresAt: new Date(Date.now() + 3_600_000),
      phase: 'consent',
      browserHash: hashToken(browserSecret),
      signedInTenantId: tenantId,
      signedInOid: randomUUID(),
      signedInUsername: 'admin@test.example',
      signedInAt: new Date(),
    },
  })
  const cookieName = `${CONSENT_COOKIE_PREFIX}${row.id.replaceAll('-', '')}`
  browser.setCookie(cookieName, browserSecret, '/consent')
  return { state, cookieName, browserSecret }
}

/** The `state` Crosstrust put into a Microsoft URL. */
export function stateOf(msUrl: URL): string {
  const state = msUrl.searchParams.get('state')
  if (!state) throw new Error('no state in the admin consent URL')
  return state
}

/** A callback URL as Microsoft would build it, with any parameters (including hostile ones). */
export function callbackUrl(sys: System, params: Record<string, string>): string {
  const url = new URL('/consent/callback', sys.baseUrl)
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v)
  return url.toString()
}

/** Waits until the customer's onboarding is over (onboarded, failed, or waiting for an Operator's confirmation). */
export async function finished(sys: System, customerId: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const c = await sys.db.prisma.customer.findUniqueOrThrow({ where: { id: customerId } })
    const steps = await sys.db.prisma.onboardingStep.findMany({ where: { customerId } })
    const running = steps.some((s) => s.status === 'running')
    const over = ['onboarded', 'failed', 'awaiting_confirmation'].includes(c.onboardingState)
    if (!running && over) return c
    if (Date.now() > deadline)
      throw new Error(`onboarding of ${customerId} did not finish: ${c.onboardingState}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

export async function step(sys: System, customerId: string, name: OnboardingStep) {
  return sys.db.prisma.onboardingStep.findUniqueOrThrow({
    where: { customerId_step: { customerId, step: name } },
  })
}

/** Everything about a customer that a request must not change when it is rejected. */
export async function snapshot(sys: System, customerId: string) {
  const db = sys.db.prisma
  const [customer, steps, links, states, audit] = await Promise.all([
    db.customer.findUniqueOrThrow({ where: { id: customerId } }),
    db.onboardingStep.findMany({ where: { customerId }, orderBy: { step: 'asc' } }),
    db.consentLink.findMany({ where: { customerId }, orderBy: { id: 'asc' } }),
    db.consentState.findMany({ where: { consentLink: { customerId } }, orderBy: { id: 'asc' } }),
    db.auditEvent.count({ where: { customerId } }),
  ])
  return JSON.stringify({ customer, steps, links, states, audit }, (_k, v: unknown) =>
    typeof v === 'bigint' ? v.toString() : v,
  )
}
