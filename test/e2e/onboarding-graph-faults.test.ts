// Onboarding while Microsoft Graph misbehaves: 429 storms with Retry-After, an
// existing partner entry, a racing writer (POST 409), consent revoked mid-job. Real simulator, database,
// queues and worker; every test uses its own simulated tenant. (Split from onboarding-failures.test.ts so
// the two files run in parallel.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addTenant, finished, newCustomer, step } from '../support/consent-steps.ts'
import { consentAs } from '../support/consent-driver.ts'
import { expectConfigured, PARTNER, storedPartner } from '../support/partner-assert.ts'
import { DEMO_IDS, startSystem, waitFor, type System } from '../support/system.ts'

const APP = DEMO_IDS.appClientId

let sys: System

beforeAll(async () => {
  sys = await startSystem({ onboarding: { retryBaseDelayMs: 200, maxRetryDelayMs: 500 } })
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

describe('onboarding against a misbehaving Graph', () => {
  it('429 storms with Retry-After on Graph and the token endpoint: onboards, never retries early', async () => {
    const tenant = addTenant(sys)
    sys.sim.state.faults.add({
      kind: 'throttle',
      origin: 'login',
      tenantId: tenant.id,
      pathContains: '/oauth2/v2.0/token',
      times: 1,
      retryAfterSeconds: 1,
    })
    // Within the gateway's per-call budget (4 tries): the first Graph reads, then our POST, are throttled.
    sys.sim.state.faults.add({
      kind: 'throttle',
      origin: 'graph',
      tenantId: tenant.id,
      times: 2,
      retryAfterSeconds: 1,
    })
    sys.sim.state.faults.add({
      kind: 'throttle',
      origin: 'graph',
      tenantId: tenant.id,
      method: 'POST',
      pathContains: '/partners',
      times: 2,
      retryAfterSeconds: 1,
    })
    const { customer } = await onboard('Throttled AB', tenant.id)
    expect(customer.onboardingState).toBe('onboarded')
    expectConfigured(sys, tenant.id)
    const log = sys.sim.state.requests.list({ tenant: tenant.id })
    expect(log.filter((r) => r.status === 429 && r.origin === 'graph')).toHaveLength(4)
    expect(log.filter((r) => r.status === 429 && r.origin === 'login')).toHaveLength(1)
    expect(log.filter((r) => r.early)).toEqual([])
  })

  it('an existing entry with different values is patched, with before and after recorded', async () => {
    const tenant = addTenant(sys, { licence: 'P1' })
    const t = sys.sim.state.requireTenant(tenant.id)
    sys.sim.state.writePartner(t, PARTNER, {
      tenantId: PARTNER,
      inboundTrust: {
        isMfaAccepted: false,
        isCompliantDeviceAccepted: false,
        isHybridAzureADJoinedDeviceAccepted: true,
      },
      automaticUserConsentSettings: { inboundAllowed: true, outboundAllowed: null },
      b2bCollaborationInbound: null,
      b2bCollaborationOutbound: null,
      b2bDirectConnectOutbound: null,
      b2bDirectConnectInbound: null,
      tenantRestrictions: null,
    })
    const { customer, customerId } = await onboard('Hand Made Entry AB', tenant.id)
    expect(customer.onboardingState).toBe('onboarded')
    expectConfigured(sys, tenant.id)

    const graph = sys.sim.state.requests.list({ tenant: tenant.id, origin: 'graph' })
    expect(graph.some((r) => r.method === 'POST')).toBe(false)
    expect(graph.filter((r) => r.method === 'PATCH' && r.status === 204)).toHaveLength(1)
    const applied = await step(sys, customerId, 'policy_applied')
    const detail = applied.detail as { outcome: string; patch: Record<string, unknown> }
    expect(detail.outcome).toBe('patched')
    expect(detail.patch).toHaveProperty('inboundTrust')
    expect(detail.patch).not.toHaveProperty('tenantRestrictions')

    const run = await sys.db.prisma.checkRun.findFirstOrThrow({ where: { customerId, kind: 'onboard' } })
    const before = run.before as { inboundTrust: Record<string, boolean> }
    const after = run.after as { inboundTrust: Record<string, boolean> }
    expect(before.inboundTrust.isHybridAzureADJoinedDeviceAccepted).toBe(true)
    expect(after.inboundTrust.isHybridAzureADJoinedDeviceAccepted).toBe(false)
    const completed = (await audit(customerId)).find((e) => e.action === 'onboarding.completed')
    expect(completed?.actorType).toBe('system')
    expect((completed?.before as { partner: { inboundTrust: unknown } }).partner.inboundTrust).toEqual(
      before.inboundTrust,
    )
  })

  it('POST 409 (a racing writer created the entry): falls back to PATCH and onboards', async () => {
    const tenant = addTenant(sys)
    // Hold our POST in the simulator long enough for a racing writer to create the entry.
    const hold = sys.sim.state.faults.add({
      kind: 'latency',
      origin: 'graph',
      tenantId: tenant.id,
      method: 'POST',
      pathContains: '/partners',
      latencyMs: 2_500,
      times: 1,
    })
    const { customerId, linkUrl } = await newCustomer(sys, 'Racing Writer AB', tenant.id)
    await consentAs(linkUrl, tenant.id, 'accept')
    await waitFor(
      () => Promise.resolve(!sys.sim.state.faults.rules.some((r) => r.id === hold.id)),
      'our POST to arrive',
    )
    const racer = {
      tenantId: PARTNER,
      inboundTrust: {
        isMfaAccepted: false,
        isCompliantDeviceAccepted: false,
        isHybridAzureADJoinedDeviceAccepted: false,
      },
      automaticUserConsentSettings: { inboundAllowed: true, outboundAllowed: null },
    }
    sys.sim.state.writePartner(sys.sim.state.requireTenant(tenant.id), PARTNER, racer)

    const customer = await finished(sys, customerId)
    expect(customer.onboardingState).toBe('onboarded')
    expectConfigured(sys, tenant.id)
    const writes = sys.sim.state.requests
      .list({ tenant: tenant.id, origin: 'graph' })
      .filter((r) => r.method === 'POST' || r.method === 'PATCH')
      .map((r) => `${r.method} ${String(r.status)}`)
    expect(writes).toEqual(['POST 409', 'PATCH 204'])
    const applied = await step(sys, customerId, 'policy_applied')
    const detail = applied.detail as { outcome: string; conflictOnCreate: boolean; before: unknown }
    expect(detail.outcome).toBe('patched')
    expect(detail.conflictOnCreate).toBe(true)
    // The racer's entry is what we changed: it is the recorded "before".
    const run = await sys.db.prisma.checkRun.findFirstOrThrow({ where: { customerId, kind: 'onboard' } })
    expect((run.before as { inboundTrust: unknown }).inboundTrust).toEqual(racer.inboundTrust)
  })

  it('consent revoked mid-onboarding, after access was verified: the next step fails as access lost', async () => {
    // Graph refuses the token already issued at once (the realistic default waits for its expiry).
    const tenant = addTenant(sys, { settings: { revocationEffect: 'immediate' } })
    // Slow down the organization read so the revocation lands between access_verified and the Graph calls.
    sys.sim.state.faults.add({
      kind: 'latency',
      origin: 'graph',
      tenantId: tenant.id,
      pathContains: '/organization',
      latencyMs: 2_000,
      times: 1,
    })
    const { customerId, linkUrl } = await newCustomer(sys, 'Mid Revoke AB', tenant.id)
    await consentAs(linkUrl, tenant.id, 'accept')
    await waitFor(
      async () => (await step(sys, customerId, 'access_verified')).status === 'succeeded',
      'access verified',
    )
    sys.sim.state.revokeConsent(tenant.id, APP)
    const customer = await finished(sys, customerId)
    expect(customer.onboardingState).toBe('failed')
    const prereq = await step(sys, customerId, 'prerequisites_checked')
    expect(prereq.status).toBe('failed')
    expect(prereq.message).toMatch(/Consent was revoked or the app was removed/)
    expect(prereq.message).toMatch(/new consent link/)
    expect(storedPartner(sys, tenant.id)).toBeUndefined()
    // The worker is still healthy: another customer onboards afterwards.
    const next = addTenant(sys)
    expect((await onboard('After Revoke AB', next.id)).customer.onboardingState).toBe('onboarded')
  })
})
