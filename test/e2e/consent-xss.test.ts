// Every value the public consent pages reflect is attacker-controllable somewhere: the callback's query
// (anyone can craft the redirect), the link and attempt path segments, and names that come from staff input
// or from the customer's own tenant (organization display name). Each must render as text, and every HTML
// response carries a script-restricting Content-Security-Policy.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  addTenant,
  answerConsent,
  callbackUrl,
  consentPhaseState,
  finished,
  get,
  newCustomer,
  startConsent,
} from '../support/consent-steps.ts'
import { escaped, expectInert, expectSecurityHeaders, PAYLOADS } from '../support/xss.ts'
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

/** A fresh, valid consent-leg `state` for a customer, bound to the shared test browser. */
async function freshState(token: string, tenantId: string): Promise<string> {
  return (await consentPhaseState(sys, token, tenantId)).state
}

describe('reflected values render as text', () => {
  it('callback error_description and error (on a valid state): the decline page shows them escaped', async () => {
    const tenant = addTenant(sys)
    const { customerId, token } = await newCustomer(sys, 'Xss Callback AB', tenant.id)
    for (const payload of PAYLOADS) {
      const description = await get(
        callbackUrl(sys, {
          admin_consent: 'True',
          error: 'access_denied',
          error_description: payload,
          state: await freshState(token, tenant.id),
        }),
      )
      expect(description.status).toBe(200)
      expect(description.body).toContain(escaped(payload))
      expectInert(description, payload)
      expectSecurityHeaders(description)

      const error = await get(callbackUrl(sys, { error: payload, state: await freshState(token, tenant.id) }))
      expect(error.status).toBe(200)
      expect(error.body).toContain(escaped(payload))
      expectInert(error, payload)
      expectSecurityHeaders(error)

      if (payload !== PAYLOADS[0]) continue
      // Multi-line descriptions: only the first line is shown, still escaped.
      const multiline = await get(
        callbackUrl(sys, {
          error: 'consent_required',
          error_description: `AADSTS65004: ${payload}\r\nTrace ID: ${payload}`,
          state: await freshState(token, tenant.id),
        }),
      )
      expectInert(multiline, payload)
    }
    // The step message staff see holds the reason as plain text (escaping is the renderer's job).
    const consent = await sys.db.prisma.onboardingStep.findUniqueOrThrow({
      where: { customerId_step: { customerId, step: 'consent_received' } },
    })
    expect(consent.status).toBe('failed')
  })

  it('callback state and tenant: never reflected', async () => {
    for (const payload of PAYLOADS) {
      const state = await get(callbackUrl(sys, { admin_consent: 'True', tenant: payload, state: payload }))
      expect(state.status).toBe(400)
      expectInert(state, payload)
      expectSecurityHeaders(state)
      const stateOnly = await get(
        callbackUrl(sys, { state: payload, error: payload, error_description: payload }),
      )
      expect(stateOnly.status).toBe(400)
      expectInert(stateOnly, payload)
    }
    // A hostile tenant hint on a valid state: ignored (not a GUID), and the result page stays clean.
    const tenant = addTenant(sys)
    const { customerId, linkUrl } = await newCustomer(sys, 'Xss Tenant Hint AB', tenant.id)
    const callback = new URL(await answerConsent(await startConsent(linkUrl, tenant.id), tenant.id, 'accept'))
    const payload = PAYLOADS[1] ?? ''
    callback.searchParams.set('tenant', payload)
    const res = await get(callback.toString())
    expect(res.status).toBe(303)
    const result = await get(new URL(res.location ?? '', sys.baseUrl).toString())
    expectInert(result, payload)
    expect((await finished(sys, customerId)).tenantId).toBe(tenant.id)
  })

  it('link token and attempt id path segments: never reflected', async () => {
    for (const payload of PAYLOADS) {
      const segment = encodeURIComponent(payload)
      for (const path of [
        `/consent/${segment}`,
        `/consent/result/${segment}`,
        `/consent/status/${segment}`,
        `/consent/${segment}x/extra`,
      ]) {
        const res = await get(`${sys.baseUrl}${path}`)
        expect(res.status, path).toBeGreaterThanOrEqual(400)
        expectInert(res, payload)
      }
      for (const path of [`/consent/${segment}/start`, `/consent/result/${segment}/retry`]) {
        const res = await fetch(`${sys.baseUrl}${path}`, { method: 'POST', redirect: 'manual' })
        const body = await res.text()
        expect(res.status, path).toBe(404)
        expectInert({ status: res.status, location: null, body, headers: res.headers }, payload)
      }
    }
  })

  it('a hostile customer name and tenant display name: escaped on the landing and result pages, stored messages never shown', async () => {
    const payload = PAYLOADS[0] ?? ''
    const orgPayload = PAYLOADS[1] ?? ''
    const tenant = addTenant(sys, { displayName: `Evil Org ${orgPayload}` })
    const { customerId, linkUrl } = await newCustomer(sys, `Evil ${payload}`, tenant.id)
    const landing = await get(linkUrl)
    expect(landing.status).toBe(200)
    expect(landing.body).toContain(escaped(`Evil ${payload}`))
    expectInert(landing, payload)
    expectSecurityHeaders(landing)
    expect(landing.headers.get('cache-control')).toBe('no-store')
    // The no-store hook belongs to the consent routes' plugin: routes outside it keep their own caching.
    expect((await get(`${sys.baseUrl}/healthz`)).headers.get('cache-control')).toBeNull()
    expect(landing.body).toContain('<meta name="referrer" content="no-referrer"/>')

    const granted = await get(
      await answerConsent(await startConsent(linkUrl, tenant.id), tenant.id, 'accept'),
    )
    expect(granted.status).toBe(303)
    expect((await finished(sys, customerId)).onboardingState).toBe('onboarded')
    const result = await get(new URL(granted.location ?? '', sys.baseUrl).toString())
    expect(result.body).toContain('data-outcome="configured"')
    expect(result.body).toContain(escaped(`Evil ${payload}`))
    // Step messages on this public page are fixed sentences: the tenant's own name is not shown at all.
    expect(result.body).not.toContain(escaped(orgPayload))
    expect(result.body).toContain('Your tenant and licences were read.')
    expectInert(result, payload)
    expectInert(result, orgPayload)
    expectSecurityHeaders(result)
  })
})
