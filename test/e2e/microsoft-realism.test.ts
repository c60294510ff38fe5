// The product against Microsoft's less friendly behaviours, each a simulator switch: opaque Graph tokens,
// consent replication, revocation that waits for token expiry, read-after-write lag and 404 right after a
// create, 429 without Retry-After, licence states and tenants we must refuse. Real simulator, database,
// queues and worker; every test uses its own simulated tenant.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addTenant, finished, newCustomer, step } from '../support/consent-steps.ts'
import { consentAs } from '../support/consent-driver.ts'
import { expectConfigured } from '../support/partner-assert.ts'
import { startSystem, type System } from '../support/system.ts'

let sys: System

beforeAll(async () => {
  sys = await startSystem({
    onboarding: { consentRetryWindowMs: 8_000, retryBaseDelayMs: 200, maxRetryDelayMs: 1_000 },
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
