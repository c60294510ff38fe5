import { buildCreateBody, defaultPolicy } from '@crosstrust/core'
import {
  confirmTenant,
  createCustomer,
  issueConsentLink,
  pendingTenantConfirmation,
  type ServiceContext,
} from '@crosstrust/services'
import { resolveTenant } from '@crosstrust/microsoft'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { consentAs } from '../support/consent-driver.ts'
import { DEMO_IDS, startSystem, waitFor, type System } from '../support/system.ts'

const STAFF = { type: 'staff' as const, id: 'test-operator', name: 'Test Operator' }
const { contoso, fabrikam, northwind } = DEMO_IDS.customers
const PARTNER = DEMO_IDS.partnerTenantId

let sys: System
let ctx: ServiceContext

beforeAll(async () => {
  sys = await startSystem()
  ctx = { db: sys.db.prisma, now: () => new Date(), enqueue: (k, p) => sys.queues.enqueue(k, p) }
})
afterAll(async () => {
  await sys.stop()
})

async function newCustomer(name: string, tenant?: string) {
  const customer = await createCustomer(
    ctx,
    (t) => resolveTenant(sys.config.MS_LOGIN_URL, t),
    { name, tenant },
    STAFF,
  )
  const link = await issueConsentLink(ctx, { publicBaseUrl: sys.baseUrl, ttlDays: 14 }, customer.id, STAFF)
  return { customer, link }
}

const onboarded = (id: string) =>
  waitFor(async () => {
    const c = await sys.db.prisma.customer.findUniqueOrThrow({ where: { id } })
    return c.onboardingState === 'onboarded' || c.onboardingState === 'failed' ? c : null
  }, 'onboarding to finish')

describe('onboarding from consent link to verified partner policy', () => {
  it('configures the partner exactly as the policy says, with outbound and tenant restrictions inherited', async () => {
    const { customer, link } = await newCustomer('Contoso', 'contoso-manufacturing.se')
    expect(customer.expectedTenantId).toBe(contoso)
    const run = await consentAs(link.url, contoso, 'accept')
    expect(run.finalUrl).toContain('/consent/result/')
    expect(run.finalStatus).toBe(200)

    const done = await onboarded(customer.id)
    expect(done.onboardingState).toBe('onboarded')
    expect(done.complianceState).toBe('compliant')
    expect(done.tenantId).toBe(contoso)
    expect(done.licence).toBe('p2')
    expect(done.nextCheckAt).not.toBeNull()

    const stored = sys.sim.state.readPartner(sys.sim.state.requireTenant(contoso), PARTNER) as Record<
      string,
      unknown
    >
    const desired = buildCreateBody(defaultPolicy, PARTNER)
    expect(stored.b2bCollaborationInbound).toEqual(desired.b2bCollaborationInbound)
    expect(stored.inboundTrust).toEqual(desired.inboundTrust)
    expect((stored.automaticUserConsentSettings as Record<string, unknown>).inboundAllowed).toBe(false)
    for (const inherited of [
      'b2bCollaborationOutbound',
      'b2bDirectConnectOutbound',
      'b2bDirectConnectInbound',
      'tenantRestrictions',
    ]) {
      expect(stored[inherited] ?? null).toBeNull()
    }
    expect(stored).not.toHaveProperty('isServiceProvider', true)

    const page = await fetch(run.finalUrl).then((r) => r.text())
    expect(page).toContain('data-outcome="configured"')

    const steps = await sys.db.prisma.onboardingStep.findMany({ where: { customerId: customer.id } })
    expect(steps.every((s) => s.status === 'succeeded')).toBe(true)
    const audit = await sys.db.prisma.auditEvent.findMany({
      where: { customerId: customer.id },
      orderBy: { id: 'asc' },
    })
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining([
        'customer.created',
        'consent_link.issued',
        'consent.started',
        'consent.granted',
        'onboarding.completed',
      ]),
    )
    expect(audit.every((a) => a.actorId !== null || a.actorName !== null)).toBe(true)
  })

  it('a first-time tenant waits for an Operator, then patches the existing entry and records before and after', async () => {
    // Created without a domain or tenant: the consenting tenant is bound only when an Operator confirms it.
    const { customer, link } = await newCustomer('Northwind')
    await consentAs(link.url, northwind, 'accept')
    const waiting = await waitFor(async () => {
      const c = await sys.db.prisma.customer.findUniqueOrThrow({ where: { id: customer.id } })
      return c.onboardingState === 'awaiting_confirmation' ? c : null
    }, 'onboarding to wait for the confirmation')
    expect(waiting).toMatchObject({
      tenantId: null,
      consentedTenantId: northwind,
      tenantDisplayName: 'Northwind Traders',
    })
    const writes = () =>
      sys.sim.state.requests.list({ tenant: northwind, origin: 'graph' }).filter((r) => r.method !== 'GET')
    expect(writes()).toEqual([])
    const pending = await pendingTenantConfirmation(ctx, customer.id)
    expect(pending).toMatchObject({ tenantId: northwind, customerName: 'Northwind' })
    await confirmTenant(ctx, customer.id, northwind, STAFF)
    const done = await onboarded(customer.id)
    expect(done).toMatchObject({
      tenantId: northwind,
      confirmedTenantId: northwind,
      tenantConfirmedBy: 'Test Operator',
    })
    const events = await sys.db.prisma.auditEvent.findMany({
      where: { customerId: customer.id },
      orderBy: { id: 'asc' },
    })
    expect(
      events
        .filter((e) => e.action.startsWith('onboarding.tenant_'))
        .map((e) => `${e.action}:${e.actorType}`),
    ).toEqual(['onboarding.tenant_confirmed:staff', 'onboarding.tenant_bound:system'])
    expect(done.onboardingState).toBe('onboarded')
    const run = await sys.db.prisma.checkRun.findFirstOrThrow({
      where: { customerId: customer.id, kind: 'onboard' },
    })
    expect((run.before as Record<string, Record<string, unknown>>).inboundTrust?.isMfaAccepted).toBe(false)
    expect((run.after as Record<string, Record<string, unknown>>).inboundTrust?.isMfaAccepted).toBe(true)
    const applied = await sys.db.prisma.onboardingStep.findUniqueOrThrow({
      where: { customerId_step: { customerId: customer.id, step: 'policy_applied' } },
    })
    expect((applied.detail as { outcome: string }).outcome).toBe('patched')
  })

  it('warns but does not block when the tenant has no Entra ID P1/P2', async () => {
    const { customer, link } = await newCustomer('Fabrikam', fabrikam)
    await consentAs(link.url, fabrikam, 'accept')
    const done = await onboarded(customer.id)
    expect(done.onboardingState).toBe('onboarded')
    expect(done.licence).toBe('none')
    const prereq = await sys.db.prisma.onboardingStep.findUniqueOrThrow({
      where: { customerId_step: { customerId: customer.id, step: 'prerequisites_checked' } },
    })
    expect(prereq.message).toMatch(/P1/)
  })
})
