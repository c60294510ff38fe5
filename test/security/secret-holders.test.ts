// What the holder of each secret can make Crosstrust do. Each secret is given to an attacker who has nothing
// else (no other cookie, no staff role, no victim's browser), and the test checks exactly what that buys:
// a consent link, an OAuth `state`, an attempt id, a staff session or token, a webhook secret. (The app's
// database role: database-role.test.ts.)
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { issueConsentLink } from '@crosstrust/services'
import { AdminBrowser, pickAccount, pressContinue, startAndSignIn } from '../support/admin-browser.ts'
import { consentAs } from '../support/consent-driver.ts'
import {
  addTenant,
  answerConsent,
  callbackUrl,
  finished,
  newCustomer,
  serviceContext,
  snapshot,
  STAFF,
  startConsent,
  stateOf,
} from '../support/consent-steps.ts'
import { staffToken } from '../support/staff-tokens.ts'
import { DEMO_IDS, startSystem, waitFor, type System } from '../support/system.ts'

let sys: System

beforeAll(async () => {
  sys = await startSystem()
})
afterAll(async () => {
  await sys.stop()
})

const graphWrites = (tenantId: string) =>
  sys.sim.state.requests.list({ tenant: tenantId, origin: 'graph' }).filter((r) => r.method !== 'GET')
const graphCalls = (tenantId: string) => sys.sim.state.requests.list({ tenant: tenantId, origin: 'graph' })
const customerRow = (id: string) => sys.db.prisma.customer.findUniqueOrThrow({ where: { id } })

describe('a consent link (forwarded, leaked, or phished)', () => {
  it('cannot bind another tenant than the expected one: the sign-in is refused and nothing changes', async () => {
    const expected = addTenant(sys)
    const attacker = addTenant(sys)
    const { customerId, linkUrl } = await newCustomer(sys, 'Expected Tenant AB', expected.id)
    const answer = await startAndSignIn(new AdminBrowser(), linkUrl, attacker.id)
    expect(answer.status).toBe(403)
    expect(answer.body).toContain(`this link is for tenant ${expected.id}`)
    expect(await customerRow(customerId)).toMatchObject({ tenantId: null, consentedTenantId: null })
    expect(graphCalls(attacker.id)).toEqual([])
  })

  it("cannot change an onboarded customer's tenant through a new link", async () => {
    const home = addTenant(sys)
    const attacker = addTenant(sys)
    const { customerId, linkUrl } = await newCustomer(sys, 'Onboarded Tenant AB', home.id)
    await consentAs(linkUrl, home.id, 'accept')
    expect((await finished(sys, customerId)).onboardingState).toBe('onboarded')
    const fresh = await issueConsentLink(
      serviceContext(sys),
      { publicBaseUrl: sys.baseUrl, ttlDays: 14 },
      customerId,
      STAFF,
    )
    const answer = await startAndSignIn(new AdminBrowser(), fresh.url, attacker.id)
    expect(answer.status).toBe(403)
    expect(answer.body).toContain(`Sign in with an administrator of tenant ${home.id}`)
    expect(await customerRow(customerId)).toMatchObject({ tenantId: home.id, onboardingState: 'onboarded' })
    expect(graphCalls(attacker.id)).toEqual([])
  })

  it('for a customer without a tenant, yields an unconfirmed consent only: nothing is written before an Operator confirms', async () => {
    const attacker = addTenant(sys)
    const { customerId, linkUrl } = await newCustomer(sys, 'No Tenant Yet AB')
    const run = await consentAs(linkUrl, attacker.id, 'accept')
    expect(run.finalStatus).toBe(200)
    const waiting = await finished(sys, customerId)
    expect((await new AdminBrowser().get(run.finalUrl)).body).toContain('data-outcome="awaiting"')
    expect(waiting).toMatchObject({
      onboardingState: 'awaiting_confirmation',
      tenantId: null,
      consentedTenantId: attacker.id,
    })
    expect(graphWrites(attacker.id)).toEqual([])
  })

  it("cannot bind the partner's own tenant or a tenant another customer holds, and learns no customer name", async () => {
    const held = addTenant(sys)
    const holder = await newCustomer(sys, 'Confidential Holder AB', held.id)
    await consentAs(holder.linkUrl, held.id, 'accept')
    expect((await finished(sys, holder.customerId)).onboardingState).toBe('onboarded')

    const { customerId, linkUrl } = await newCustomer(sys, 'Open Link AB')
    const before = await customerRow(customerId)
    const taken = await startAndSignIn(new AdminBrowser(), linkUrl, held.id)
    expect(taken.status).toBe(403)
    expect(taken.body).toContain('Tenant already connected')
    expect(taken.body).not.toContain('Confidential Holder AB')
    const partner = await startAndSignIn(new AdminBrowser(), linkUrl, DEMO_IDS.partnerTenantId)
    expect(partner.status).toBe(403)
    expect(partner.body).toContain('cannot be onboarded as a customer')
    expect(await customerRow(customerId)).toEqual(before)
    expect(graphWrites(DEMO_IDS.partnerTenantId)).toEqual([])
  })
})

describe('an OAuth state (from a log, a Referer, a screenshot)', () => {
  it('completes nothing from another browser: a forged callback naming any tenant changes nothing', async () => {
    const tenant = addTenant(sys)
    const { customerId, linkUrl } = await newCustomer(sys, 'Stolen State AB', tenant.id)
    const victim = new AdminBrowser()
    const msUrl = await startConsent(linkUrl, tenant.id, victim)
    const before = await snapshot(sys, customerId)
    const attacker = new AdminBrowser()
    for (const forgedTenant of [DEMO_IDS.partnerTenantId, tenant.id]) {
      const forged = await attacker.get(
        callbackUrl(sys, { state: stateOf(msUrl), admin_consent: 'True', tenant: forgedTenant }),
      )
      expect(forged.status).toBe(400)
      expect(forged.body).toContain('arrived in a different browser')
    }
    expect(await snapshot(sys, customerId)).toBe(before)
    expect(graphCalls(DEMO_IDS.partnerTenantId)).toEqual([])
    // The victim's own browser still completes it.
    expect((await victim.get(await answerConsent(msUrl, tenant.id, 'accept', victim))).status).toBe(303)
    expect((await finished(sys, customerId)).onboardingState).toBe('onboarded')
  })

  it("cannot finish the victim's sign-in with the attacker's account", async () => {
    const tenant = addTenant(sys)
    const attackerTenant = addTenant(sys)
    const { customerId, linkUrl } = await newCustomer(sys, 'Stolen Sign-in AB')
    const victim = new AdminBrowser()
    const authorizeUrl = await pressContinue(victim, linkUrl)
    const before = await snapshot(sys, customerId)
    // The attacker signs in with the victim's authorize URL (same state) in their own browser.
    const attacker = new AdminBrowser()
    const signedIn = await attacker.get(await pickAccount(attacker, authorizeUrl, attackerTenant.id))
    expect(signedIn.status).toBe(400)
    expect(await snapshot(sys, customerId)).toBe(before)
    // Nor can the attacker burn the victim's attempt: the victim still signs in with it.
    const own = await victim.get(await pickAccount(victim, authorizeUrl, tenant.id))
    expect(own.status).toBe(303)
  })

  it('a signed-in user who skips the consent page and calls back without admin_consent grants nothing', async () => {
    const tenant = addTenant(sys)
    const { customerId, linkUrl } = await newCustomer(sys, 'Skipped Consent AB', tenant.id)
    const browser = new AdminBrowser()
    const msUrl = await startConsent(linkUrl, tenant.id, browser)
    const bare = await browser.get(callbackUrl(sys, { state: stateOf(msUrl) }))
    expect(bare.status).toBe(400)
    expect(bare.body).toContain('did not confirm that consent was granted')
    const link = await sys.db.prisma.consentLink.findFirstOrThrow({ where: { customerId } })
    expect(link.usedAt).toBeNull()
    const consent = await sys.db.prisma.onboardingStep.findUniqueOrThrow({
      where: { customerId_step: { customerId, step: 'consent_received' } },
    })
    expect(consent.status).toBe('pending')
  })

  it('two attempts of one link completing at once: exactly one wins', async () => {
    const tenant = addTenant(sys)
    const { customerId, linkUrl } = await newCustomer(sys, 'Race AB', tenant.id)
    const browser = new AdminBrowser()
    const first = await answerConsent(
      await startConsent(linkUrl, tenant.id, browser),
      tenant.id,
      'accept',
      browser,
    )
    const second = await answerConsent(
      await startConsent(linkUrl, tenant.id, browser),
      tenant.id,
      'accept',
      browser,
    )
    const answers = await Promise.all([browser.get(first), browser.get(second)])
    expect(answers.map((a) => a.status).sort()).toEqual([303, 409])
    const granted = await sys.db.prisma.auditEvent.count({ where: { customerId, action: 'consent.granted' } })
    expect(granted).toBe(1)
  })
})

describe('an attempt id (in the result page URL)', () => {
  it('shows progress in fixed sentences, never a stored message; "Try again" only restarts the sign-in', async () => {
    const tenant = addTenant(sys)
    const { customerId, linkUrl } = await newCustomer(sys, 'Status Viewer AB', tenant.id)
    const run = await consentAs(linkUrl, tenant.id, 'accept')
    const attemptId = /\/consent\/result\/([0-9a-f-]{36})/.exec(run.finalUrl)?.[1] ?? ''
    await finished(sys, customerId)
    // A staff-facing message naming another customer and an internal error, as a failed step could carry.
    await sys.db.prisma.onboardingStep.update({
      where: { customerId_step: { customerId, step: 'verified' } },
      data: {
        message:
          'Tenant is already onboarded as customer "Other Customer AB". PrismaClientKnownRequestError P2002',
      },
    })
    const outsider = new AdminBrowser()
    for (const url of [
      `${sys.baseUrl}/consent/status/${attemptId}`,
      `${sys.baseUrl}/consent/result/${attemptId}`,
    ]) {
      const page = await outsider.get(url)
      expect(page.status).toBe(200)
      expect(page.body).not.toContain('Other Customer AB')
      expect(page.body).not.toContain('Prisma')
      expect(page.body).toContain('The settings were read back and match.')
    }
    const retry = await outsider.fetch(`${sys.baseUrl}/consent/result/${attemptId}/retry`, { method: 'POST' })
    // The link was used: nothing to restart. An unknown id is no better.
    expect(retry.status).toBe(404)
    const unknown = await outsider.fetch(`${sys.baseUrl}/consent/result/${randomUUID()}/retry`, {
      method: 'POST',
    })
    expect(unknown.status).toBe(404)
  })
})

describe('an attempt id of an unfinished attempt (e.g. from a cancel page seen over a shoulder)', () => {
  it('restarts nothing from another browser; the browser that started it can try again', async () => {
    const tenant = addTenant(sys)
    const { customerId, linkUrl } = await newCustomer(sys, 'Cancelled Attempt AB')
    const victim = new AdminBrowser()
    const cancelled = await victim.get(
      await answerConsent(await startConsent(linkUrl, tenant.id, victim), tenant.id, 'cancel', victim),
    )
    const attemptId = /\/consent\/result\/([0-9a-f-]{36})\/retry/.exec(cancelled.body)?.[1] ?? ''
    const before = await snapshot(sys, customerId)
    const attacker = new AdminBrowser()
    const stolen = await attacker.fetch(`${sys.baseUrl}/consent/result/${attemptId}/retry`, {
      method: 'POST',
    })
    expect(stolen.status).toBe(404)
    expect(await snapshot(sys, customerId)).toBe(before)
    const own = await victim.fetch(`${sys.baseUrl}/consent/result/${attemptId}/retry`, { method: 'POST' })
    expect(own.status).toBe(303)
  })
})

describe('a staff session or token', () => {
  it('a Viewer cannot confirm a first-time tenant; an Operator can, once', async () => {
    const tenant = addTenant(sys)
    const { customerId, linkUrl } = await newCustomer(sys, 'Confirm Me AB')
    await consentAs(linkUrl, tenant.id, 'accept')
    expect((await finished(sys, customerId)).onboardingState).toBe('awaiting_confirmation')
    const confirm = (token: string) =>
      fetch(`${sys.baseUrl}/api/v1/customers/${customerId}/tenant-confirmation`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ tenantId: tenant.id, decision: 'confirm' }),
      })
    expect((await confirm(await staffToken(sys, 'viewer'))).status).toBe(403)
    expect((await customerRow(customerId)).confirmedTenantId).toBeNull()
    const operator = await staffToken(sys, 'operator')
    expect((await confirm(operator)).status).toBe(200)
    await waitFor(async () => (await customerRow(customerId)).onboardingState === 'onboarded', 'onboarding')
    expect((await confirm(operator)).status).toBe(409)
  })
})

describe('a webhook secret', () => {
  it('is shown once, and is no credential for the API or the dashboard', async () => {
    const admin = await staffToken(sys, 'admin')
    const created = await fetch(`${sys.baseUrl}/api/v1/webhooks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'SOC', url: 'https://hooks.example.com/soc' }),
    })
    expect(created.status).toBe(201)
    const { secret, endpoint } = (await created.json()) as { secret: string; endpoint: { id: string } }
    const listed = await fetch(`${sys.baseUrl}/api/v1/webhooks/${endpoint.id}`, {
      headers: { authorization: `Bearer ${admin}` },
    })
    expect(await listed.text()).not.toContain(secret)
    const asBearer = await fetch(`${sys.baseUrl}/api/v1/customers`, {
      headers: { authorization: `Bearer ${secret}` },
    })
    expect(asBearer.status).toBe(401)
    const asCookie = await fetch(`${sys.baseUrl}/customers`, {
      headers: { cookie: `crosstrust_session=${secret}` },
      redirect: 'manual',
    })
    expect([302, 303, 401]).toContain(asCookie.status)
  })
})
