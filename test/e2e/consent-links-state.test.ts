// The consent link and the callback's `state` as trust boundaries: expired, revoked and unknown links get a
// clear page; missing, forged, expired and replayed `state` get a clear 400 page; none of them change
// anything. Also: who is recorded as the actor of every state change along the way.
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashToken } from '@crosstrust/core'
import { issueConsentLink } from '@crosstrust/services'
import {
  addTenant,
  answerConsent,
  callbackUrl,
  finished,
  get,
  newCustomer,
  serviceContext,
  snapshot,
  STAFF,
  startConsent,
  stateOf,
  step,
} from '../support/consent-steps.ts'
import { defaultBrowser, locationOf, pickAccount } from '../support/admin-browser.ts'
import { expectConfigured, storedPartner } from '../support/partner-assert.ts'
import { startSystem, type System } from '../support/system.ts'

// The consent routes are rate limited per IP and route (start 20, callback 30, landing 60 per minute), and
// every request of this file comes from 127.0.0.1: keep the per-file totals below those (now about 17
// starts and 23 callbacks at most), or give new tests their own system.
let sys: System

beforeAll(async () => {
  sys = await startSystem()
})
afterAll(async () => {
  await sys.stop()
})

const globalCounts = async () => ({
  states: await sys.db.prisma.consentState.count(),
  usedStates: await sys.db.prisma.consentState.count({ where: { usedAt: { not: null } } }),
  audit: await sys.db.prisma.auditEvent.count(),
  customers: await sys.db.prisma.customer.findMany({ select: { id: true, version: true } }),
})

function expectHtmlPage(
  res: { status: number; headers: Headers; body: string },
  status: number,
  text: RegExp,
) {
  expect(res.status).toBe(status)
  expect(res.headers.get('content-type')).toMatch(/^text\/html/)
  expect(res.body).toMatch(text)
  expect(res.body).not.toMatch(/at .*\.ts:\d+|stack|Error:/)
}

describe('callback state', () => {
  it('missing state: a clear 400 page, nothing changes', async () => {
    const tenant = addTenant(sys)
    const { customerId, linkUrl } = await newCustomer(sys, 'Missing State AB', tenant.id)
    await startConsent(linkUrl, tenant.id)
    const before = await snapshot(sys, customerId)
    const counts = await globalCounts()
    const res = await get(callbackUrl(sys, { admin_consent: 'True', tenant: tenant.id }))
    expectHtmlPage(res, 400, /did not include the expected sign-in state[\s\S]*Nothing was changed/)
    expect(await snapshot(sys, customerId)).toBe(before)
    expect(await globalCounts()).toEqual(counts)
  })

  it('forged or unknown state: a clear 400 page, nothing changes, even with a real tenant', async () => {
    const tenant = addTenant(sys)
    const { customerId, linkUrl } = await newCustomer(sys, 'Forged State AB', tenant.id)
    const real = stateOf(await startConsent(linkUrl, tenant.id))
    const before = await snapshot(sys, customerId)
    const counts = await globalCounts()
    for (const forged of [randomBytes(32).toString('base64url'), `${real}x`, real.slice(0, -1), 'a']) {
      const res = await get(callbackUrl(sys, { admin_consent: 'True', tenant: tenant.id, state: forged }))
      expectHtmlPage(res, 400, /does not belong to a consent request we started/)
      const declined = await get(callbackUrl(sys, { error: 'access_denied', state: forged }))
      expectHtmlPage(declined, 400, /does not belong to a consent request we started/)
    }
    expect(await snapshot(sys, customerId)).toBe(before)
    expect(await globalCounts()).toEqual(counts)
  })

  it('expired state (older than its hour): a clear 400 page, no onboarding', async () => {
    const tenant = addTenant(sys)
    const { customerId, linkUrl } = await newCustomer(sys, 'Expired State AB', tenant.id)
    const msUrl = await startConsent(linkUrl, tenant.id)
    const callback = await answerConsent(msUrl, tenant.id, 'accept')
    await sys.db.prisma.consentState.update({
      where: { stateHash: hashToken(stateOf(msUrl)) },
      data: { expiresAt: new Date(Date.now() - 1_000) },
    })
    const before = await snapshot(sys, customerId)
    const res = await get(callback)
    expectHtmlPage(res, 400, /has expired[\s\S]*Nothing was changed/)
    expect(await snapshot(sys, customerId)).toBe(before)
    expect((await step(sys, customerId, 'consent_received')).status).toBe('pending')
    await new Promise((r) => setTimeout(r, 500))
    expect(sys.sim.state.requests.list({ tenant: tenant.id, origin: 'graph' })).toEqual([])
    // The link itself still works: a fresh attempt onboards.
    const again = await get(await answerConsent(await startConsent(linkUrl, tenant.id), tenant.id, 'accept'))
    expect(again.status).toBe(303)
    expect((await finished(sys, customerId)).onboardingState).toBe('onboarded')
  })

  it('replayed state: the second use of a callback URL is a clear 400 page and changes nothing', async () => {
    const tenant = addTenant(sys)
    const { customerId, linkUrl } = await newCustomer(sys, 'Replay AB', tenant.id)
    const callback = await answerConsent(await startConsent(linkUrl, tenant.id), tenant.id, 'accept')
    expect((await get(callback)).status).toBe(303)
    expect((await finished(sys, customerId)).onboardingState).toBe('onboarded')
    const before = await snapshot(sys, customerId)
    const counts = await globalCounts()
    const replay = await get(callback)
    expectHtmlPage(replay, 400, /already been used/)
    expect(await snapshot(sys, customerId)).toBe(before)
    expect(await globalCounts()).toEqual(counts)
    // A replayed decline cannot undo the onboarding either.
    const url = new URL(callback)
    const declined = await get(
      callbackUrl(sys, { error: 'access_denied', state: url.searchParams.get('state') ?? '' }),
    )
    expectHtmlPage(declined, 400, /already been used/)
    expect(await snapshot(sys, customerId)).toBe(before)
    expectConfigured(sys, tenant.id)
  })

  it('the same callback racing itself: exactly one wins', async () => {
    const tenant = addTenant(sys)
    const { customerId, linkUrl } = await newCustomer(sys, 'Race AB', tenant.id)
    const callback = await answerConsent(await startConsent(linkUrl, tenant.id), tenant.id, 'accept')
    const results = await Promise.all([get(callback), get(callback), get(callback)])
    expect(results.map((r) => r.status).sort()).toEqual([303, 400, 400])
    expect((await finished(sys, customerId)).onboardingState).toBe('onboarded')
    const granted = await sys.db.prisma.auditEvent.count({ where: { customerId, action: 'consent.granted' } })
    expect(granted).toBe(1)
  })
})

describe('consent links', () => {
  it('unknown links get a clear "not found" page, whatever their shape', async () => {
    for (const token of [
      randomBytes(32).toString('base64url'),
      'short',
      'x'.repeat(200),
      '..%2F..%2Fetc%2Fpasswd',
      '%00',
    ]) {
      const res = await get(`${sys.baseUrl}/consent/${token}`)
      expectHtmlPage(res, 404, /Consent link not found/)
      const start = await fetch(`${sys.baseUrl}/consent/${token}/start`, {
        method: 'POST',
        redirect: 'manual',
      })
      expect(start.status).toBe(404)
    }
  })

  it('an expired link gets a clear page and cannot start consent', async () => {
    const tenant = addTenant(sys)
    const { customerId, linkUrl, token } = await newCustomer(sys, 'Expired Link AB', tenant.id)
    await sys.db.prisma.consentLink.update({
      where: { tokenHash: hashToken(token) },
      data: { expiresAt: new Date(Date.now() - 1_000) },
    })
    const before = await snapshot(sys, customerId)
    expectHtmlPage(await get(linkUrl), 404, /This consent link has expired/)
    const start = await fetch(`${linkUrl}/start`, { method: 'POST', redirect: 'manual' })
    expect(start.status).toBe(404)
    expect(await start.text()).toMatch(/has expired/)
    expect(await snapshot(sys, customerId)).toBe(before)
  })

  it('issuing a new link revokes the old one, including an attempt already at Microsoft', async () => {
    const tenant = addTenant(sys)
    const { customerId, linkUrl: oldUrl } = await newCustomer(sys, 'Regenerated AB', tenant.id)
    const inFlight = await startConsent(oldUrl, tenant.id)
    const fresh = await issueConsentLink(
      serviceContext(sys),
      { publicBaseUrl: sys.baseUrl, ttlDays: 14 },
      customerId,
      STAFF,
    )
    expectHtmlPage(await get(oldUrl), 404, /no longer valid[\s\S]*replaced or withdrawn/)
    expect((await fetch(`${oldUrl}/start`, { method: 'POST', redirect: 'manual' })).status).toBe(404)
    expect((await get(fresh.url)).status).toBe(200)

    // The admin finishes the old attempt at Microsoft anyway: Crosstrust does not act on it.
    const stale = await get(await answerConsent(inFlight, tenant.id, 'accept'))
    expectHtmlPage(stale, 409, /can no longer be used/)
    expect((await step(sys, customerId, 'consent_received')).status).toBe('pending')
    await new Promise((r) => setTimeout(r, 500))
    expect(storedPartner(sys, tenant.id)).toBeUndefined()

    const issued = await sys.db.prisma.auditEvent.findMany({
      where: { customerId, action: 'consent_link.issued' },
      orderBy: { id: 'asc' },
    })
    expect(issued.map((e) => e.actorType)).toEqual(['staff', 'staff'])
    expect((issued[1]?.after as { revokedEarlier: number }).revokedEarlier).toBe(1)
    const ignored = await sys.db.prisma.auditEvent.findFirst({
      where: { customerId, action: 'consent.callback_ignored' },
    })
    expect(ignored?.actorType).toBe('customer_admin')
  })

  it('a used link says consent was already given', async () => {
    const tenant = addTenant(sys)
    const { customerId, linkUrl } = await newCustomer(sys, 'Used Link AB', tenant.id)
    expect(
      (await get(await answerConsent(await startConsent(linkUrl, tenant.id), tenant.id, 'accept'))).status,
    ).toBe(303)
    await finished(sys, customerId)
    expectHtmlPage(await get(linkUrl), 200, /Consent was already given/)
    expect((await fetch(`${linkUrl}/start`, { method: 'POST', redirect: 'manual' })).status).toBe(404)
  })

  it('unknown result and status ids: clear 404s', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      expectHtmlPage(await get(`${sys.baseUrl}/consent/result/${id}`), 404, /Consent link not found/)
      const status = await get(`${sys.baseUrl}/consent/status/${id}`)
      expect(status.status).toBe(404)
      expect(status.headers.get('content-type')).toMatch(/problem\+json/)
      const retry = await fetch(`${sys.baseUrl}/consent/result/${id}/retry`, {
        method: 'POST',
        redirect: 'manual',
      })
      expect(retry.status).toBe(404)
    }
  })
})

describe('audit', () => {
  it('every state change of an onboarding has an audit event with the right actor', async () => {
    const tenant = addTenant(sys)
    const { customerId, linkUrl } = await newCustomer(sys, 'Audited AB', tenant.id)
    // A cancel first, then "Try again" and accept: the admin's whole journey.
    const cancelled = await get(
      await answerConsent(await startConsent(linkUrl, tenant.id), tenant.id, 'cancel'),
    )
    expect(cancelled.status).toBe(200)
    const attemptId = /\/consent\/result\/([0-9a-f-]{36})\/retry/.exec(cancelled.body)?.[1]
    expect(attemptId).toMatch(/^[0-9a-f-]{36}$/)
    const retry = await defaultBrowser.fetch(`${sys.baseUrl}/consent/result/${attemptId ?? ''}/retry`, {
      method: 'POST',
    })
    expect(retry.status).toBe(303)
    const signedIn = await get(await pickAccount(defaultBrowser, locationOf(retry, sys.baseUrl), tenant.id))
    expect(signedIn.status).toBe(303)
    const msUrl = new URL(signedIn.location ?? '')
    expect((await get(await answerConsent(msUrl, tenant.id, 'accept'))).status).toBe(303)
    expect((await finished(sys, customerId)).onboardingState).toBe('onboarded')

    const events = await sys.db.prisma.auditEvent.findMany({ where: { customerId }, orderBy: { id: 'asc' } })
    const byAction = events.map((e) => `${e.action}:${e.actorType}`)
    expect(byAction).toEqual([
      'customer.created:staff',
      'consent_link.issued:staff',
      'consent.started:customer_admin',
      'consent.signed_in:customer_admin',
      'consent.declined:customer_admin',
      'consent.started:customer_admin',
      'consent.signed_in:customer_admin',
      'consent.granted:customer_admin',
      'onboarding.access_verified:system',
      'onboarding.prerequisites_checked:system',
      'onboarding.tenant_bound:system',
      'onboarding.policy_applied:system',
      'onboarding.completed:system',
    ])
    for (const e of events) {
      expect(e.actorId ?? e.actorName, e.action).toMatch(/\S/)
      if (e.actorType === 'customer_admin') {
        // The API's own request id (a UUID: the test sends no x-request-id) and the loopback address.
        expect(e.requestId, e.action).toMatch(/^[0-9a-f-]{36}$/)
        expect(e.ip, e.action).toMatch(/^(127\.0\.0\.1|::1|::ffff:127\.0\.0\.1)$/)
      }
      if (e.actorType === 'staff') expect(e.actorId).toBe(STAFF.id)
    }
    // Each step that ended (succeeded or failed) is covered by an event at or after its finish.
    const steps = await sys.db.prisma.onboardingStep.findMany({ where: { customerId } })
    for (const s of steps) expect(s.status, s.step).toBe('succeeded')
  })
})
