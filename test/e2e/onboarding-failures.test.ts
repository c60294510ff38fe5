// Onboarding failure paths, each against the real simulator, database, queues and
// worker. The consent retry window is shortened to a few seconds so replication delays shorter and longer
// than it both fit in a test run. Every test uses its own simulated tenant.
import { UnprocessableError } from '@crosstrust/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  addTenant,
  answerConsent,
  get,
  newCustomer,
  serviceContext,
  STAFF,
  startConsent,
  step,
  finished,
} from '../support/consent-steps.ts'
import { AdminBrowser, startAndSignIn } from '../support/admin-browser.ts'
import { consentAs } from '../support/consent-driver.ts'
import { expectConfigured, storedPartner } from '../support/partner-assert.ts'
import { DEMO_IDS, startSystem, waitFor, type System } from '../support/system.ts'
import { createCustomer, requestOffboard } from '@crosstrust/services'
import { resolveTenant } from '@crosstrust/microsoft'

const RETRY_WINDOW_MS = 3_500
const APP = DEMO_IDS.appClientId

let sys: System

beforeAll(async () => {
  sys = await startSystem({
    onboarding: { consentRetryWindowMs: RETRY_WINDOW_MS, retryBaseDelayMs: 200, maxRetryDelayMs: 500 },
  })
})
afterAll(async () => {
  await sys.stop()
})

/** Consents as the tenant's admin through Crosstrust's pages and waits for the job to finish. */
async function onboard(name: string, tenantId: string) {
  const { customerId, linkUrl } = await newCustomer(sys, name, tenantId)
  const run = await consentAs(linkUrl, tenantId, 'accept')
  expect(run.finalUrl).toContain('/consent/result/')
  return { customerId, customer: await finished(sys, customerId), run }
}

const audit = (customerId: string) =>
  sys.db.prisma.auditEvent.findMany({ where: { customerId }, orderBy: { id: 'asc' } })

describe('onboarding failure paths', () => {
  it('admin cancels: consent_received fails with the admin reason, nothing is applied, audited', async () => {
    const tenant = addTenant(sys, { settings: { consentCancelError: 'access_denied' } })
    const { customerId, linkUrl } = await newCustomer(sys, 'Cancelling Ltd', tenant.id)
    const run = await consentAs(linkUrl, tenant.id, 'cancel')
    expect(run.finalStatus).toBe(200)
    expect(run.finalBody).toContain('Try again')
    expect(run.finalBody).toContain('/retry')

    const consent = await step(sys, customerId, 'consent_received')
    expect(consent.status).toBe('failed')
    expect(consent.message).toContain('cancelled')
    expect(consent.message).toContain('The resource owner or authorization server denied the request.')
    const customer = await sys.db.prisma.customer.findUniqueOrThrow({ where: { id: customerId } })
    expect(customer.onboardingState).toBe('failed')
    expect(storedPartner(sys, tenant.id)).toBeUndefined()
    const later = await Promise.all(
      (['access_verified', 'policy_applied', 'verified'] as const).map((s) => step(sys, customerId, s)),
    )
    expect(later.map((s) => s.status)).toEqual(['pending', 'pending', 'pending'])
    // No Graph call was made for this tenant: the worker never ran.
    expect(sys.sim.state.requests.list({ tenant: tenant.id, origin: 'graph' })).toEqual([])
    const events = await audit(customerId)
    const cancelled = events.find((e) => e.action === 'consent.cancelled')
    expect(cancelled?.actorType).toBe('customer_admin')
    expect(cancelled?.ip).toMatch(/^(127\.0\.0\.1|::1|::ffff:127\.0\.0\.1)$/)
    expect(cancelled?.requestId).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('admin refuses with consent_required (the documented default): declined, with the reason', async () => {
    const tenant = addTenant(sys)
    const { customerId, linkUrl } = await newCustomer(sys, 'Declining Ltd', tenant.id)
    const run = await consentAs(linkUrl, tenant.id, 'cancel')
    expect(run.finalBody).toContain('Try again')
    const consent = await step(sys, customerId, 'consent_received')
    expect(consent.status).toBe('failed')
    expect(consent.message).toContain('consent_required')
    expect((await audit(customerId)).map((e) => e.action)).toContain('consent.declined')
    expect(storedPartner(sys, tenant.id)).toBeUndefined()
  })

  it('an admin of another tenant than the expected one is refused at sign-in and nothing changes', async () => {
    const expected = addTenant(sys)
    const other = addTenant(sys)
    const { customerId, linkUrl } = await newCustomer(sys, 'Mismatch AB', expected.id)
    const answer = await startAndSignIn(new AdminBrowser(), linkUrl, other.id)
    expect(answer.status).toBe(403)
    expect(answer.body).toContain('Wrong tenant')
    expect(answer.body).toContain(`this link is for tenant ${expected.id}`)
    expect(answer.body).toContain(`Sign in with an administrator of tenant ${expected.id}`)
    expect(answer.body).toContain('Nothing was changed in any tenant.')
    const customer = await sys.db.prisma.customer.findUniqueOrThrow({ where: { id: customerId } })
    expect(customer).toMatchObject({
      tenantId: null,
      consentedTenantId: null,
      onboardingState: 'link_issued',
    })
    expect((await step(sys, customerId, 'consent_received')).status).toBe('pending')
    const refused = (await audit(customerId)).find((e) => e.action === 'consent.tenant_refused')
    expect(refused?.after).toMatchObject({ reason: 'wrong_tenant', signedInTenantId: other.id })
    expect(sys.sim.state.requests.list({ tenant: other.id, origin: 'graph' })).toEqual([])
    expect(sys.sim.state.requests.list({ tenant: expected.id, origin: 'graph' })).toEqual([])
    // The link still works for the right administrator.
    expect((await consentAs(linkUrl, expected.id, 'accept')).finalStatus).toBe(200)
    expect((await finished(sys, customerId)).onboardingState).toBe('onboarded')
  })

  it("the callback's tenant parameter binds nothing: the signed-in tenant is onboarded", async () => {
    const tenant = addTenant(sys)
    const { customerId, linkUrl } = await newCustomer(sys, 'Forged Tenant AB', tenant.id)
    const callback = new URL(await answerConsent(await startConsent(linkUrl, tenant.id), tenant.id, 'accept'))
    callback.searchParams.set('tenant', DEMO_IDS.partnerTenantId)
    expect((await get(callback.toString())).status).toBe(303)
    const customer = await finished(sys, customerId)
    expect(customer).toMatchObject({ onboardingState: 'onboarded', tenantId: tenant.id })
    expect(sys.sim.state.requests.list({ tenant: DEMO_IDS.partnerTenantId, origin: 'graph' })).toEqual([])
    const granted = (await audit(customerId)).find((e) => e.action === 'consent.granted')
    expect(granted?.after).toMatchObject({ tenantId: tenant.id, callbackTenant: DEMO_IDS.partnerTenantId })
  })

  it('a tenant whose earlier customer was offboarded onboards as a new customer, which takes the tenant over', async () => {
    const tenant = addTenant(sys)
    const first = await onboard('Returning Tenant AB', tenant.id)
    expect(first.customer.onboardingState).toBe('onboarded')
    await requestOffboard(serviceContext(sys), first.customerId, STAFF)
    await waitFor(async () => {
      const row = await sys.db.prisma.customer.findUniqueOrThrow({ where: { id: first.customerId } })
      return row.onboardingState === 'offboarded'
    }, 'offboarded')
    const second = await onboard('Returning Tenant AB (again)', tenant.id)
    expect(second.customer).toMatchObject({ onboardingState: 'onboarded', tenantId: tenant.id })
    expectConfigured(sys, tenant.id)
    const old = await sys.db.prisma.customer.findUniqueOrThrow({ where: { id: first.customerId } })
    expect(old.tenantId).toBeNull()
    const released = (await audit(first.customerId)).find((e) => e.action === 'customer.tenant_released')
    expect(released?.after).toEqual({ tenantId: tenant.id, boundBy: second.customerId })
  })

  it('consent replication shorter than the retry window: retries, then onboards', async () => {
    const tenant = addTenant(sys, { settings: { consentMissingSeconds: 1.5, consentNoRolesSeconds: 0.5 } })
    const { customer, customerId } = await onboard('Slow Replication AB', tenant.id)
    expect(customer.onboardingState).toBe('onboarded')
    expectConfigured(sys, tenant.id)
    const tokenCalls = sys.sim.state.requests
      .list({ tenant: tenant.id, origin: 'login' })
      .filter((r) => r.path.includes('/oauth2/v2.0/token'))
    // Refused while the service principal replicates, then tokens without roles, then the real one.
    const phases = tokenCalls.map((r) => `${String(r.status)} ${r.fault ?? 'ok'}`)
    expect(phases[0]).toBe('401 consent-replication')
    expect(phases).toContain('200 consent-replication-no-roles')
    expect(phases.at(-1)).toBe('200 ok')
    const access = await step(sys, customerId, 'access_verified')
    expect(access.status).toBe('succeeded')
    expect(access.message).toContain('Policy.ReadWrite.CrossTenantAccess')
  })

  it('consent replication longer than the retry window: fails with "not effective yet"', async () => {
    const tenant = addTenant(sys, { settings: { consentMissingSeconds: 120 } })
    const startedAt = Date.now()
    const { customer, customerId } = await onboard('Very Slow Replication AB', tenant.id)
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(RETRY_WINDOW_MS - 500)
    expect(customer.onboardingState).toBe('failed')
    const access = await step(sys, customerId, 'access_verified')
    expect(access.status).toBe('failed')
    expect(access.message).toMatch(/had not made the consent effective after 4 seconds/)
    expect(access.message).toContain('AADSTS7000229')
    expect(access.message).toMatch(/Retry the step/)
    expect(storedPartner(sys, tenant.id)).toBeUndefined()
  })

  it('consent revoked right after it was given, before the job runs: clear failure, no crash', async () => {
    const tenant = addTenant(sys)
    const { customerId, linkUrl } = await newCustomer(sys, 'Quick Regret AB', tenant.id)
    const callback = await answerConsent(await startConsent(linkUrl, tenant.id), tenant.id, 'accept')
    expect(sys.sim.state.revokeConsent(tenant.id, APP)).toBe(true)
    expect((await get(callback)).status).toBe(303)
    const customer = await finished(sys, customerId)
    expect(customer.onboardingState).toBe('failed')
    const access = await step(sys, customerId, 'access_verified')
    expect(access.status).toBe('failed')
    expect(access.message).toMatch(/had not made the consent effective/)
    expect(access.message).toMatch(/check the enterprise app exists in the tenant/)
    expect(storedPartner(sys, tenant.id)).toBeUndefined()
  })

  it('an unknown domain when creating a customer is a 422-class UnprocessableError', async () => {
    const ctx = serviceContext(sys)
    const attempt = createCustomer(
      ctx,
      (t) => resolveTenant(sys.config.MS_LOGIN_URL, t),
      { name: 'Nobody AB', tenant: 'no-such-tenant.example' },
      STAFF,
    )
    await expect(attempt).rejects.toBeInstanceOf(UnprocessableError)
    await expect(attempt).rejects.toMatchObject({ code: 'unknown_tenant' })
    expect(await sys.db.prisma.customer.count({ where: { name: 'Nobody AB' } })).toBe(0)
  })
})
