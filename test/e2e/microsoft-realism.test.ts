// The product against Microsoft's less friendly behaviours, each a simulator switch: opaque Graph tokens,
// consent replication, revocation that waits for token expiry, read-after-write lag and 404 right after a
// create, 429 without Retry-After, licence states and tenants we must refuse. Real simulator, database,
// queues and worker; every test uses its own simulated tenant.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { randomUUID } from 'node:crypto'
import { UnprocessableError } from '@crosstrust/core'
import { resolveTenant } from '@crosstrust/microsoft'
import { createCustomer, requestOffboard } from '@crosstrust/services'
import { addTenant, finished, newCustomer, serviceContext, STAFF, step } from '../support/consent-steps.ts'
import { consentAs } from '../support/consent-driver.ts'
import { expectConfigured, expectExactlyPolicy, storedPartner } from '../support/partner-assert.ts'
import { APP, checkNow, customer, seedOnboardedCustomer } from '../support/monitoring.ts'
import { startSystem, waitFor, type System } from '../support/system.ts'
import { DEFAULT_SETTINGS, type TenantSettings } from '@crosstrust/ms-sim'

let sys: System

beforeAll(async () => {
  sys = await startSystem({
    onboarding: {
      consentRetryWindowMs: 20_000,
      retryBaseDelayMs: 200,
      maxRetryDelayMs: 1_000,
      readBack: { attempts: 15, delayMs: 300 },
    },
    monitoring: { readBack: { attempts: 15, delayMs: 300 } },
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
  return { customerId, customer: await finished(sys, customerId) }
}

/** An onboarded customer whose simulated tenant has these switches. */
async function onboarded(settings: TenantSettings) {
  const c = await seedOnboardedCustomer(sys)
  sys.sim.state.requireTenant(c.tenantId ?? '').settings = settings
  return c
}

// Every test uses its own tenant and customer, so they run concurrently (the worker runs 8 jobs at once).
describe.concurrent('Microsoft as it really behaves', () => {
  describe('opaque Graph access tokens', () => {
    it('onboards without reading the token: access proven by a Graph read of the tenant asked for', async () => {
      const tenant = addTenant(sys, { settings: { graphTokenFormat: 'opaque' } })
      const { customer, customerId } = await onboard('Opaque Token AB', tenant.id)
      expect(customer.onboardingState).toBe('onboarded')
      expect(customer.tenantId).toBe(tenant.id)
      expectConfigured(sys, tenant.id)
      const access = await step(sys, customerId, 'access_verified')
      expect(access.message).toContain('Microsoft Graph let us read its cross-tenant access policy')
    })
  })

  describe('revocation', () => {
    it('token-expiry (default): checks stay compliant on the issued token, then report access lost once it expired', async () => {
      const c = await onboarded({ appTokenLifetimeSeconds: 8 })
      expect((await checkNow(sys, c.id)).outcome).toBe('compliant')
      sys.sim.state.revokeConsent(c.tenantId ?? '', APP)
      expect((await checkNow(sys, c.id)).outcome).toBe('compliant')
      await new Promise((r) => setTimeout(r, 8_100))
      const lost = await checkNow(sys, c.id)
      expect(lost.outcome).toBe('access_lost')
      expect(lost.errorCode).toContain('7000229')
      expect((await customer(sys, c.id)).complianceState).toBe('access_lost')
    })

    it('token-expiry: removed permission is access lost at expiry too', async () => {
      const c = await onboarded({ appTokenLifetimeSeconds: 3 })
      expect((await checkNow(sys, c.id)).outcome).toBe('compliant')
      sys.sim.state.removeRoles(c.tenantId ?? '', APP)
      await new Promise((r) => setTimeout(r, 3_100))
      expect((await checkNow(sys, c.id)).outcome).toBe('access_lost')
    })

    it('immediate: the next check reports access lost', async () => {
      const c = await onboarded({ revocationEffect: 'immediate' })
      expect((await checkNow(sys, c.id)).outcome).toBe('compliant')
      sys.sim.state.revokeConsent(c.tenantId ?? '', APP)
      expect((await checkNow(sys, c.id)).outcome).toBe('access_lost')
      const d = await onboarded({ revocationEffect: 'immediate' })
      expect((await checkNow(sys, d.id)).outcome).toBe('compliant')
      sys.sim.state.removeRoles(d.tenantId ?? '', APP)
      expect((await checkNow(sys, d.id)).outcome).toBe('access_lost')
    })
  })

  describe('429 without Retry-After', () => {
    it('onboarding rides out 429s without Retry-After on its own backoff', async () => {
      const tenant = addTenant(sys)
      sys.sim.state.faults.add({
        kind: 'throttle',
        origin: 'graph',
        tenantId: tenant.id,
        retryAfterSeconds: null,
        times: 2,
      })
      const { customer: c } = await onboard('Throttled Without Wait AB', tenant.id)
      expect(c.onboardingState).toBe('onboarded')
      const statuses = sys.sim.state.requests
        .list({ tenant: tenant.id, origin: 'graph' })
        .map((r) => r.status)
      expect(statuses.slice(0, 2)).toEqual([429, 429])
    })

    it('a check throttled past its budget is unknown (never drift) and backs off on the product schedule', async () => {
      const c = await seedOnboardedCustomer(sys)
      sys.sim.state.faults.add({
        kind: 'throttle',
        origin: 'graph',
        tenantId: c.tenantId ?? '',
        retryAfterSeconds: null,
      })
      const run = await checkNow(sys, c.id)
      expect(run.outcome).toBe('unknown')
      const state = await customer(sys, c.id)
      expect(state.complianceState).toBe('compliant')
      expect(state.backoffUntil?.getTime() ?? 0).toBeGreaterThan(state.lastCheckAt?.getTime() ?? Infinity)
      sys.sim.state.faults.clear(c.tenantId ?? '')
      expect((await checkNow(sys, c.id)).outcome).toBe('compliant')
    }, 60_000)
  })

  describe('licences', () => {
    it.each([
      ['Warning', 'p2', /expired and (is )?in its grace period/],
      ['Suspended', 'none', /AAD_PREMIUM_P2 is suspended/],
      ['LockedOut', 'none', /AAD_PREMIUM_P2 is locked out/],
      ['Deleted', 'none', /AAD_PREMIUM_P2 was deleted/],
    ] as const)('P2 %s: onboards, licence %s, and the prerequisites say why', async (status, level, text) => {
      const tenant = addTenant(sys, { licence: 'P2' })
      sys.sim.state.requireTenant(tenant.id).graph.skuStatuses = { AAD_PREMIUM_P2: status }
      const { customer: c, customerId } = await onboard(`Licence ${status} AB`, tenant.id)
      expect(c.onboardingState).toBe('onboarded')
      expect(c.licence).toBe(level)
      const prereq = await step(sys, customerId, 'prerequisites_checked')
      expect(prereq.message).toMatch(text)
      expect((prereq.detail as { warnings: string[] }).warnings.join(' ')).toMatch(text)
    })
  })

  describe('tenants Crosstrust cannot onboard', () => {
    const create = (name: string, tenant: string) =>
      createCustomer(
        serviceContext(sys),
        (t) => resolveTenant(sys.config.MS_LOGIN_URL, t),
        { name, tenant },
        STAFF,
      )

    it('the Microsoft account (consumer) tenant is refused for good, in plain words', async () => {
      const msa = '9188040d-6c67-4c5b-b112-36a304b66dad'
      if (!sys.sim.state.getTenant(msa))
        sys.sim.state.createTenant({ id: msa, displayName: 'Microsoft Accounts', domains: [] })
      const attempt = create('Personal Account', msa)
      await expect(attempt).rejects.toBeInstanceOf(UnprocessableError)
      await expect(attempt).rejects.toMatchObject({ code: 'consumer_tenant' })
      await expect(attempt).rejects.toThrow(/personal accounts \(outlook.com, hotmail.com, live.com\)/)
      expect(await sys.db.prisma.customer.count({ where: { name: 'Personal Account' } })).toBe(0)
    })

    it.each([
      [
        'US Government',
        { cloudInstanceName: 'microsoftonline.us', tenantRegionScope: 'USGov' },
        /US Government cloud \(USGov\)/,
      ],
      ['China', { cloudInstanceName: 'partner.microsoftonline.cn' }, /China cloud/],
    ] as const)('a %s tenant is refused by domain, naming its cloud', async (label, cloud, text) => {
      const id = randomUUID()
      const domain = `c${id.slice(0, 8)}.example`
      sys.sim.state.createTenant({ id, displayName: label, domains: [domain], cloud })
      const attempt = create(`${label} Agency`, domain)
      await expect(attempt).rejects.toMatchObject({ code: 'other_cloud' })
      await expect(attempt).rejects.toThrow(text)
    })
  })

  describe('consent replication', () => {
    const tokenPhases = (tenantId: string) =>
      sys.sim.state.requests
        .list({ tenant: tenantId, origin: 'login' })
        .filter((r) => r.path.includes('/oauth2/v2.0/token'))
        .map((r) => `${String(r.status)} ${r.fault ?? 'ok'}`)

    it('the defaults (Microsoft replicates a fresh consent): onboarding waits the replication out with backoff', async () => {
      const tenant = addTenant(sys)
      const started = Date.now()
      const { customer: c } = await onboard('Realistic Replication AB', tenant.id)
      expect(c.onboardingState).toBe('onboarded')
      expect(Date.now() - started).toBeGreaterThanOrEqual(
        (DEFAULT_SETTINGS.consentMissingSeconds + DEFAULT_SETTINGS.consentNoRolesSeconds) * 1000 - 1000,
      )
      const phases = tokenPhases(tenant.id)
      expect(phases[0]).toBe('401 consent-replication')
      expect(phases).toContain('200 consent-replication-no-roles')
      expect(phases.at(-1)).toBe('200 ok')
      // Backoff, not a hammering loop: a handful of token requests over the whole wait.
      expect(phases.length).toBeLessThanOrEqual(15)
    })

    it('AADSTS700016 then tokens without roles, with opaque tokens: Graph 403 is "not yet", then onboards', async () => {
      const tenant = addTenant(sys, {
        settings: {
          consentMissingSeconds: 3,
          consentMissingErrorCode: 700016,
          consentNoRolesSeconds: 2,
          graphTokenFormat: 'opaque',
        },
      })
      const { customer: c, customerId } = await onboard('Opaque Replication AB', tenant.id)
      expect(c.onboardingState).toBe('onboarded')
      const phases = tokenPhases(tenant.id)
      expect(phases[0]).toBe('400 consent-replication')
      expect(phases).toContain('200 consent-replication-no-roles')
      const graphStatuses = sys.sim.state.requests
        .list({ tenant: tenant.id, origin: 'graph' })
        .map((r) => r.status)
      expect(graphStatuses).toContain(403)
      expect((await step(sys, customerId, 'access_verified')).status).toBe('succeeded')
    })
  })

  describe('read-after-write lag and 404 right after a create', () => {
    it('onboarding reaches and verifies the exact policy; offboarding right after deletes it for real', async () => {
      const tenant = addTenant(sys, { settings: { readLagSeconds: 2, createNotFoundSeconds: 3 } })
      const { customer: c, customerId } = await onboard('Lagging Directory AB', tenant.id)
      expect(c.onboardingState).toBe('onboarded')
      expectExactlyPolicy(sys, tenant.id)
      const verified = await step(sys, customerId, 'verified')
      expect(verified.status).toBe('succeeded')
      const log = sys.sim.state.requests.list({ tenant: tenant.id, origin: 'graph' })
      // The read-back saw the lag (404 after our POST) and kept polling.
      const afterPost = log.slice(log.findIndex((r) => r.method === 'POST'))
      expect(afterPost.some((r) => r.method === 'GET' && r.status === 404)).toBe(true)

      await requestOffboard(serviceContext(sys), customerId, STAFF)
      const done = await waitFor(
        async () => {
          const row = await sys.db.prisma.customer.findUniqueOrThrow({ where: { id: customerId } })
          return row.onboardingState === 'offboarded' ? row : null
        },
        'offboarded',
        60_000,
      )
      expect(done.lastFailureReason).toBeNull()
      expect(storedPartner(sys, tenant.id)).toBeUndefined()
      const deletes = sys.sim.state.requests
        .list({ tenant: tenant.id, origin: 'graph' })
        .filter((r) => r.method === 'DELETE')
        .map((r) => r.status)
      expect(deletes.at(-1)).toBe(204)
    }, 90_000)
  })
})
