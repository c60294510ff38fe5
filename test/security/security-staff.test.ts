// The security suite (`pnpm test:security`), consent and staff routes: an onboarding through the consent
// flow after a hostile decline, every staff route probed with forged credentials and without CSRF tokens;
// then every log line the API and the worker wrote is searched for secrets.
import { describe, expect, it } from 'vitest'
import { escaped } from '../support/xss.ts'
import {
  addTenant,
  answerConsent,
  CONSENT_COOKIE_PREFIX,
  newCustomer,
  startConsent,
  stateOf,
} from '../support/consent-steps.ts'
import { defaultBrowser } from '../support/admin-browser.ts'
import { DEMO_IDS, waitFor } from '../support/system.ts'
import {
  sealedSession,
  sessionClaims,
  bearerVariants,
  cookieVariants,
  type Credential,
} from './support/credentials.ts'
import { changedTables, dbSnapshot } from './support/db-snapshot.ts'
import { type RawRequest } from './support/raw-http.ts'
import { staffSignIn } from './support/staff-sign-in.ts'
import { accessClaims } from '../../apps/api/test/auth-support.ts'
import { CSRF_HEADER } from '../../apps/api/src/auth/index.ts'
import { csrfTokenFor } from '../../apps/api/src/auth/csrf.ts'
import { deriveKeys } from '../../apps/api/src/auth/session.ts'
import {
  logLines,
  secrets,
  findLogLeaks,
  findings,
  tally,
  sys,
  port,
  redirects,
  fuzzFrom,
  probeFrom,
  remember,
  pool,
  send,
  sendOrRecord,
  expectNoFindings,
  useSecurityRun,
} from './support/security-run.ts'

useSecurityRun('staff')

describe('security', () => {
  it('an onboarding through the consent flow, with a hostile decline before it, reflects nothing raw', async () => {
    const tenant = addTenant(sys)
    const { customerId, linkUrl, token } = await newCustomer(sys, 'Onboarded AB', tenant.id)
    remember('consent link token', token)

    // Declined first, with an attacker-controlled error_description (the callback's classic XSS spot).
    const declined = await startConsent(linkUrl, tenant.id)
    remember('consent OAuth state', stateOf(declined))
    const xss = '<script>alert(document.cookie)</script>"><img src=x onerror=alert(1)>'
    const declinedCallback = new URL(await answerConsent(declined, tenant.id, 'cancel'))
    declinedCallback.searchParams.set('error_description', xss)
    declinedCallback.searchParams.set('error', `access_denied${xss}`)
    // The admin's browser carries the attempt's binding cookie (HttpOnly, set by "Continue to Microsoft").
    const browserCookie = defaultBrowser.cookieHeader('/consent/callback')
    for (const secret of defaultBrowser.cookiesStartingWith(CONSENT_COOKIE_PREFIX)) {
      remember('consent browser binding', secret)
    }
    const page = await send({
      method: 'GET',
      target: `${declinedCallback.pathname}${declinedCallback.search}`,
      headers: { cookie: browserCookie },
      from: fuzzFrom(),
    })
    findings.checkSafe('declined callback with hostile error_description', page, undefined, redirects)
    findings.checkNotReflected('declined callback', page, xss)
    expect(page.status).toBeLessThan(500)
    expect(page.body).not.toContain('<script>alert')

    const msUrl = await startConsent(linkUrl, tenant.id)
    remember('consent OAuth state', stateOf(msUrl))
    const callback = new URL(await answerConsent(msUrl, tenant.id, 'accept'))
    const done = await send({
      method: 'GET',
      target: `${callback.pathname}${callback.search}`,
      headers: { cookie: defaultBrowser.cookieHeader('/consent/callback') },
      from: fuzzFrom(),
    })
    expect(done.status).toBe(303)
    findings.checkSafe('granted callback', done, undefined, redirects)
    await waitFor(async () => {
      const c = await sys.db.prisma.customer.findUniqueOrThrow({ where: { id: customerId } })
      return c.onboardingState === 'onboarded' ? c : null
    }, 'onboarding')
    // Replaying the used callback changes nothing and reflects nothing.
    const before = await dbSnapshot(sys.db.prisma)
    const replay = await send({
      method: 'GET',
      target: `${callback.pathname}${callback.search}`,
      from: fuzzFrom(),
    })
    findings.checkSafe('replayed callback', replay, undefined, redirects)
    expect(replay.status).toBeGreaterThanOrEqual(400)
    expect(changedTables(before, await dbSnapshot(sys.db.prisma))).toEqual([])
    expect(escaped(xss)).not.toBe(xss)
    expectNoFindings()
  })

  it('every staff route refuses forged, tampered, expired and foreign credentials, and forms need CSRF', async () => {
    const secret = sys.config.SESSION_SECRET ?? ''
    const customer = await sys.db.prisma.customer.findFirstOrThrow({
      where: { onboardingState: 'onboarded' },
    })
    const link = await sys.db.prisma.consentLink.findFirstOrThrow({ where: { customerId: customer.id } })
    const adminSession = await sealedSession(secret, sessionClaims(['Admin']))
    const signIn = await staffSignIn(port, DEMO_IDS.staff.admin, '%2F', probeFrom())
    remember('session cookie', signIn.sessionCookie)
    remember('sign-in cookie', signIn.signInCookie)
    remember('staff OAuth state', signIn.state)
    const validBearer = await sys.sim.state.keys.sign(accessClaims(sys.sim))

    // Positive controls: the probes below would prove nothing if valid credentials were refused too.
    const control = await send({
      method: 'GET',
      target: '/api/v1/customers',
      headers: { authorization: `Bearer ${validBearer}`, accept: 'application/json' },
      from: probeFrom(),
    })
    expect(control.status).toBe(200)
    const dashboard = await send({
      method: 'GET',
      target: '/customers',
      headers: { cookie: `ct_session=${signIn.sessionCookie ?? ''}`, accept: 'text/html' },
      from: probeFrom(),
    })
    expect(dashboard.status).toBe(200)

    const credentials: Credential[] = [
      ...(await bearerVariants(sys.sim, sys.config.APP_CLIENT_ID)),
      ...(await cookieVariants(secret, adminSession, signIn.signInCookie)),
    ]
    // A staff route wrongly declared public would escape the probes below: public is for these alone (the
    // customer's status page has its own sign-in and is fuzzed with the other public routes).
    const publicRoutes = sys.app.routePolicies.filter((r) => r.access === 'public')
    const PUBLIC = /^\/(?:healthz|readyz|metrics|consent\/|auth\/|status\/|assets\/|docs(?:\/|$))/
    expect(publicRoutes.filter((r) => !PUBLIC.test(r.url)).map((r) => `${r.method} ${r.url}`)).toEqual([])
    const routes = sys.app.routePolicies.filter((r) => r.access !== 'public' && r.method !== 'HEAD')
    const seen = new Set<string>()
    const unique = routes.filter((r) => !seen.has(`${r.method} ${r.url}`) && seen.add(`${r.method} ${r.url}`))
    tally.routes = unique.length
    expect(unique.length).toBeGreaterThan(30)

    const pathFor = (url: string) =>
      url
        .replace(':linkId', link.id)
        .replace(':id', customer.id)
        .replace(/:[A-Za-z]+/g, '00000000-0000-4000-8000-000000000000')

    const before = await dbSnapshot(sys.db.prisma)
    const jobsBefore = await sys.queues.queue('offboard').getJobCounts()
    const probes: { label: string; req: RawRequest; csrf: boolean }[] = []
    for (const route of unique) {
      const target = pathFor(route.url)
      const hasBody = !['GET', 'DELETE'].includes(route.method)
      const isForm = hasBody && !route.url.startsWith('/api/')
      const body = isForm
        ? 'name=Evil&tenant=evil.example&mode=remediate'
        : hasBody
          ? '{"name":"Evil"}'
          : undefined
      const type = isForm ? 'application/x-www-form-urlencoded' : 'application/json'
      for (const accept of ['application/json', 'text/html']) {
        for (const cred of credentials) {
          probes.push({
            label: `${route.method} ${route.url} as ${cred.name} (${accept})`,
            req: {
              method: route.method,
              target,
              headers: { accept, ...(body === undefined ? {} : { 'content-type': type }), ...cred.headers },
              ...(body === undefined ? {} : { body }),
            },
            csrf: false,
          })
        }
      }
      // A real, signed-in admin session: state-changing forms without (or with a wrong) CSRF token.
      if (hasBody && !route.url.startsWith('/api/')) {
        const session = signIn.sessionCookie ?? ''
        const otherCsrf = csrfTokenFor(deriveKeys(secret).csrf, 'another-session-id')
        for (const [name, extra] of [
          ['no CSRF token', {}],
          ['empty CSRF header', { [CSRF_HEADER]: '' }],
          ['CSRF token of another session', { [CSRF_HEADER]: otherCsrf }],
          ['garbage CSRF token', { [CSRF_HEADER]: 'x'.repeat(43) }],
        ] as const) {
          probes.push({
            label: `${route.method} ${route.url} with a valid session and ${name}`,
            req: {
              method: route.method,
              target,
              headers: {
                accept: 'text/html',
                'content-type': type,
                cookie: `ct_session=${session}`,
                ...extra,
              },
              ...(body === undefined
                ? {}
                : { body: `${body}&_csrf=${name === 'no CSRF token' ? '' : otherCsrf}` }),
            },
            csrf: true,
          })
        }
      }
    }
    await pool(probes, 12, async (probe) => {
      const res = await sendOrRecord(probe.label, { ...probe.req, from: probeFrom() })
      tally.probes += 1
      findings.checkSafe(probe.label, res, undefined, redirects)
      const toSignIn = res.status === 302 && (res.headers.location ?? '').startsWith('/auth/sign-in?')
      // 400/431: the HTTP parser refused the request (bad header bytes, oversized token) before routing.
      const refused = probe.csrf ? res.status === 403 : [400, 401, 431].includes(res.status) || toSignIn
      if (!refused) findings.add(probe.label, `not refused (${res.status})`, res)
    })

    expect(changedTables(before, await dbSnapshot(sys.db.prisma))).toEqual([])
    expect(await sys.queues.queue('offboard').getJobCounts()).toEqual(jobsBefore)
    remember('staff access token', validBearer)
    expectNoFindings()
  })

  it('no log line of the API or the worker contains a secret, token, consent token, state or cookie', async () => {
    // Let the worker finish anything in flight (notifications, read-backs) so its logs are complete.
    await new Promise((r) => setTimeout(r, 500))
    const leaks = findLogLeaks()
    expect(logLines.length).toBeGreaterThan(1000)
    expect(secrets.size).toBeGreaterThan(20)
    const kinds = new Set(secrets.values())
    for (const kind of [
      'token issued by the identity platform',
      'consent link token',
      'consent OAuth state',
      'session cookie',
      'APP_CLIENT_SECRET',
    ]) {
      expect(kinds).toContain(kind)
    }
    expect(leaks).toEqual([])
  })
})
