// The consent flow cut into its single HTTP steps, so tests can stop between them: hold a callback URL
// back, replay it, tamper with it, or let a different tenant's administrator answer. Plus small helpers
// that create isolated customers and simulated tenants, so tests sharing one system never collide.
import { randomBytes, randomUUID } from 'node:crypto'
import { resolveTenant } from '@crosstrust/microsoft'
import { createCustomer, issueConsentLink, type Actor, type ServiceContext } from '@crosstrust/services'
import type { TenantSettings } from '@crosstrust/ms-sim'
import type { OnboardingStep } from '@crosstrust/core'
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
    users: [{ displayName: 'Global Administrator', userPrincipalName: `admin@${domain}` }],
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

function location(res: Response, base: string): string {
  const loc = res.headers.get('location')
  if (!loc) throw new Error(`expected a redirect from ${base}, got ${String(res.status)}`)
  return new URL(loc, base).toString()
}

/** "Continue to Microsoft": the admin consent URL (with a fresh `state`) the landing page sends the admin to. */
export async function startConsent(linkUrl: string): Promise<URL> {
  const res = await fetch(`${linkUrl}/start`, { method: 'POST', redirect: 'manual' })
  if (res.status !== 303) throw new Error(`start answered ${String(res.status)}: ${await res.text()}`)
  return new URL(location(res, linkUrl))
}

/**
 * The administrator of `tenantId` answers Microsoft's consent page (whatever tenant the URL names: an
 * admin signed in to another tenant ends up consenting there). Returns the callback URL, not yet followed.
 */
export async function answerConsent(
  msUrl: URL,
  tenantId: string,
  decision: 'accept' | 'cancel',
): Promise<string> {
  const url = new URL(msUrl)
  url.pathname = url.pathname.replace(/^\/[^/]+\//, `/${tenantId}/`)
  const form = new URLSearchParams()
  for (const key of ['client_id', 'redirect_uri', 'scope', 'state'])
    form.set(key, url.searchParams.get(key) ?? '')
  form.set('decision', decision)
  const res = await fetch(url.origin + url.pathname, {
    method: 'POST',
    body: form,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    redirect: 'manual',
  })
  return location(res, url.toString())
}

export interface Fetched {
  status: number
  location: string | null
  body: string
  headers: Headers
}

export async function get(url: string): Promise<Fetched> {
  const res = await fetch(url, { redirect: 'manual' })
  return {
    status: res.status,
    location: res.headers.get('location'),
    body: await res.text(),
    headers: res.headers,
  }
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

/** Waits until the customer's onboarding is over (onboarded or failed) and returns the customer row. */
export async function finished(sys: System, customerId: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const c = await sys.db.prisma.customer.findUniqueOrThrow({ where: { id: customerId } })
    const steps = await sys.db.prisma.onboardingStep.findMany({ where: { customerId } })
    const running = steps.some((s) => s.status === 'running')
    if (!running && (c.onboardingState === 'onboarded' || c.onboardingState === 'failed')) return c
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
