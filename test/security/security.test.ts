// The security suite (`pnpm test:security`): a whole Crosstrust (API, worker, Postgres, Redis, the Microsoft
// simulator) attacked from outside. Public endpoints are fuzzed (malformed, overlong, unicode, injection
// payloads), every staff route is probed with forged credentials, the rate limits are burst, and after a
// full run, including an onboarding through the consent flow and real staff sign-ins, every log line the
// API and the worker wrote is searched for secrets. Prints a tally at the end.
import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
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
import { DEMO_IDS, startSystem, waitFor, type System } from '../support/system.ts'
import {
  sealedSession,
  sessionClaims,
  bearerVariants,
  cookieVariants,
  type Credential,
} from './support/credentials.ts'
import { changedTables, dbSnapshot } from './support/db-snapshot.ts'
import { Findings, type RedirectRules } from './support/findings.ts'
import { fuzzCases, RAW_TARGETS } from './support/fuzz-targets.ts'
import { encode, KEPT_RETURN_TOS, NORMALISED_REDIRECTS, OPEN_REDIRECTS } from './support/payloads.ts'
import { addressPool, rawRequest, type RawRequest, type RawResponse } from './support/raw-http.ts'
import { staffSignIn } from './support/staff-sign-in.ts'
import { accessClaims } from '../../apps/api/test/auth-support.ts'
import { CSRF_HEADER } from '../../apps/api/src/auth/index.ts'
import { csrfTokenFor } from '../../apps/api/src/auth/csrf.ts'
import { deriveKeys } from '../../apps/api/src/auth/session.ts'

/** A sealed session cookie: a compact JWE (alg dir, so its encrypted-key part is empty). */
const SEALED_COOKIE = /^[\w-]+\.\.[\w-]+\.[\w-]+\.[\w-]+$/
const logLines: string[] = []
/** Everything that must never reach a log, by what it is. */
const secrets = new Map<string, string>()
let findings = new Findings()
const allFindings: Findings['list'] = []
const tally = { requests: 0, fuzzed: 0, routes: 0, probes: 0, rateLimited: 0, logLines: 0, secrets: 0 }

let sys: System
let port: number
let redirects: RedirectRules
const fuzzFrom = addressPool(7)
const probeFrom = addressPool(8)

function remember(kind: string, value: string | undefined | null): void {
  if (value && value.length >= 8) secrets.set(value, kind)
}

beforeAll(async () => {
  sys = await startSystem({
    env: { LOG_LEVEL: 'trace' },
    logDestination: new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString('utf8'))
        done()
      },
    }),
  })
  port = Number(new URL(sys.baseUrl).port)
  redirects = { selfOrigin: sys.baseUrl, allowedOrigins: [new URL(sys.sim.loginUrl).origin] }
  // Every token the simulator signs (app tokens for the worker, id/access tokens for staff) is a secret
  // the logs must not contain. Recording them wraps the simulator only; product code is untouched.
  const keys = sys.sim.state.keys
  const sign = keys.sign.bind(keys)
  keys.sign = async (payload, typ) => {
    const token = await sign(payload, typ)
    remember('token issued by the identity platform', token)
    return token
  }
  remember('APP_CLIENT_SECRET', sys.config.APP_CLIENT_SECRET)
  remember('STAFF_CLIENT_SECRET', sys.config.STAFF_CLIENT_SECRET)
  remember('SESSION_SECRET', sys.config.SESSION_SECRET)
})

beforeEach(() => {
  findings = new Findings()
})
afterEach(() => {
  tally.requests += findings.requests
  allFindings.push(...findings.list)
})

afterAll(async () => {
  await sys.stop()
  const report = join(tmpdir(), 'crosstrust-security-findings.json')
  writeFileSync(report, JSON.stringify(allFindings, null, 2))
  process.stdout.write(
    `\nsecurity: ${tally.fuzzed} requests fuzzed, ${tally.routes} staff routes probed with ${tally.probes} ` +
      `requests, ${tally.rateLimited} rate limits burst, ${tally.logLines} log lines scanned for ` +
      `${tally.secrets} secrets, ${allFindings.length} findings` +
      (allFindings.length > 0 ? ` (details: ${report})` : '') +
      '\n',
  )
})

async function pool<T>(items: T[], width: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const item = items[next++] as T
        await run(item)
      }
    }),
  )
}

const send = (req: RawRequest): Promise<RawResponse> => rawRequest(port, req)

/** A request that gets no answer at all (hang, reset) is a finding, not a crash of the run. */
async function sendOrRecord(label: string, req: RawRequest): Promise<RawResponse> {
  try {
    return await send(req)
  } catch (error) {
    const res = { status: 0, headers: {}, setCookies: [], rawHead: '', body: '' }
    findings.add(label, `no answer: ${error instanceof Error ? error.message : String(error)}`, res)
    return res
  }
}

function expectNoFindings(): void {
  expect(findings.list, JSON.stringify(findings.list.slice(0, 20), null, 2)).toEqual([])
}

describe('security', () => {
  it('public endpoints answer hostile input with a clear 4xx or a safe page and change nothing', async () => {
    const tenant = addTenant(sys)
    const { token } = await newCustomer(sys, 'Fuzz target AB', tenant.id)
    remember('consent link token', token)
    const before = await dbSnapshot(sys.db.prisma)

    const cases = fuzzCases({ validToken: token, tenantId: tenant.id })
    await pool(cases, 12, async (c) => {
      const res = await sendOrRecord(c.label, {
        method: c.method,
        target: c.target,
        ...(c.headers === undefined ? {} : { headers: c.headers }),
        ...(c.body === undefined ? {} : { body: c.body }),
        from: fuzzFrom(),
      })
      findings.checkSafe(c.label, res, c.payload, redirects)
      // Signing in redirects to the identity platform only; returnTo is kept server-side until the callback.
      if (c.target.startsWith('/auth/sign-in') && res.status === 302) {
        const location = res.headers.location ?? ''
        if (!location.startsWith(`${sys.sim.loginUrl}/`)) findings.add(c.label, `sign-in to ${location}`, res)
      }
    })
    for (const raw of RAW_TARGETS) {
      const res = await sendOrRecord(raw.name, { method: raw.method, target: raw.target, from: fuzzFrom() })
      findings.checkSafe(
        `${raw.method} [${raw.name}]`,
        res,
        raw.reflect === undefined
          ? undefined
          : { family: 'xss', name: raw.name, wire: '', reflect: raw.reflect },
        redirects,
      )
      if (/root:x:0:0|"name": "crosstrust"|DATABASE_URL/.test(res.body)) {
        findings.add(raw.name, 'file contents served (path traversal)', res)
      }
      if (raw.name.startsWith('raw-') && res.status >= 200 && res.status < 300 && raw.target.includes('..')) {
        findings.add(raw.name, 'traversal answered 2xx', res)
      }
    }
    tally.fuzzed = findings.requests

    const after = await dbSnapshot(sys.db.prisma)
    expect(changedTables(before, after)).toEqual([])
    expectNoFindings()
    expect(tally.fuzzed).toBeGreaterThan(1000)
  })

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

  it('returnTo never sends a signed-in browser off the site', async () => {
    for (const target of OPEN_REDIRECTS) {
      const signIn = await staffSignIn(port, DEMO_IDS.staff.viewer, encode(target), fuzzFrom())
      remember('staff OAuth state', signIn.state)
      remember('authorization code', signIn.code)
      remember('sign-in cookie', signIn.signInCookie)
      remember('session cookie', signIn.sessionCookie)
      tally.fuzzed += 2
      findings.checkSafe(`sign-in callback returnTo=${target}`, signIn.callback, undefined, redirects)
      expect(signIn.callback.status).toBe(303)
      const location = signIn.callback.headers.location ?? ''
      if (!location.startsWith('/') || location.startsWith('//') || location.startsWith('/\\')) {
        findings.add(`returnTo=${target}`, `redirected to ${location}`, signIn.callback)
      }
      expect(signIn.sessionCookie).toMatch(SEALED_COOKIE)
    }
    expectNoFindings()
  })

  it('returnTo that normalises into another host lands on the overview; real paths keep query and hash', async () => {
    const landings: [string, string][] = [
      ...NORMALISED_REDIRECTS.map((target): [string, string] => [target, '/']),
      ...KEPT_RETURN_TOS,
    ]
    for (const [target, expected] of landings) {
      const signIn = await staffSignIn(port, DEMO_IDS.staff.viewer, encode(target), fuzzFrom())
      remember('staff OAuth state', signIn.state)
      remember('authorization code', signIn.code)
      remember('sign-in cookie', signIn.signInCookie)
      remember('session cookie', signIn.sessionCookie)
      tally.fuzzed += 2
      findings.checkSafe(`sign-in callback returnTo=${target}`, signIn.callback, undefined, redirects)
      const location = signIn.callback.headers.location ?? ''
      if (location !== expected) {
        findings.add(`returnTo=${target}`, `redirected to ${location}, expected ${expected}`, signIn.callback)
      }
      expect(signIn.callback.status).toBe(303)
      expect(signIn.sessionCookie).toMatch(SEALED_COOKIE)
    }
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
    // A staff route wrongly declared public would escape the probes below: public is for these alone.
    const publicRoutes = sys.app.routePolicies.filter((r) => r.access === 'public')
    const PUBLIC = /^\/(?:healthz|readyz|metrics|consent\/|auth\/|assets\/|docs(?:\/|$))/
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

  it('rate limits on the public endpoints hold: a burst beyond the limit gets 429 with Retry-After', async () => {
    const limits: [string, string, number][] = [
      ['GET', '/consent/unknown-token-0123456789', 60],
      ['POST', '/consent/unknown-token-0123456789/start', 20],
      ['GET', '/consent/callback?state=unknown-state-0123456789', 30],
      ['GET', '/consent/result/00000000-0000-4000-8000-000000000000', 120],
      ['POST', '/consent/result/00000000-0000-4000-8000-000000000000/retry', 20],
      ['GET', '/consent/status/00000000-0000-4000-8000-000000000000', 240],
      ['GET', '/auth/sign-in?returnTo=%2F', 60],
      ['GET', '/auth/callback?state=x&code=y', 60],
    ]
    const before = await dbSnapshot(sys.db.prisma)
    let octet = 1
    for (const [method, target, limit] of limits) {
      const from = `127.0.9.${octet++}`
      const answers: RawResponse[] = []
      await pool(
        Array.from({ length: limit }, (_, i) => i),
        8,
        async () => {
          answers.push(await send({ method, target, from }))
        },
      )
      const within = answers.filter((r) => r.status === 429).length
      if (within > 0)
        findings.add(
          `${method} ${target}`,
          `${within} of ${limit} requests within the limit refused`,
          answers[0] ?? { status: 0 },
        )
      const over = await send({ method, target, from })
      findings.checkSafe(`${method} ${target} over the limit`, over, undefined, redirects)
      if (over.status !== 429)
        findings.add(`${method} ${target}`, `request ${limit + 1} answered ${over.status}, not 429`, over)
      if (!(Number(over.headers['retry-after']) > 0))
        findings.add(`${method} ${target}`, 'no Retry-After on 429', over)
      if (!/problem\+json|text\/html/.test(over.headers['content-type'] ?? '')) {
        findings.add(`${method} ${target}`, `429 as ${over.headers['content-type'] ?? 'nothing'}`, over)
      }
      // Another client is not affected by this one's burst.
      const other = await send({ method, target, from: `127.0.10.${octet}` })
      if (other.status === 429) findings.add(`${method} ${target}`, 'limit shared across clients', other)
      tally.rateLimited += 1
    }
    expect(changedTables(before, await dbSnapshot(sys.db.prisma))).toEqual([])
    expectNoFindings()
  })

  it('no log line of the API or the worker contains a secret, token, consent token, state or cookie', async () => {
    // Let the worker finish anything in flight (notifications, read-backs) so its logs are complete.
    await new Promise((r) => setTimeout(r, 500))
    const joined = logLines.join('')
    tally.logLines = logLines.length
    tally.secrets = secrets.size
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
    const leaks: string[] = []
    for (const [value, kind] of secrets) {
      // A JWT's signature alone is as good as a leak of the whole token's integrity proof.
      const parts = value.split('.')
      const needles = parts.length === 3 && (parts[2]?.length ?? 0) >= 16 ? [value, parts[2] ?? ''] : [value]
      for (const needle of needles) {
        const at = joined.indexOf(needle)
        if (at >= 0) {
          const line = joined.slice(joined.lastIndexOf('\n', at) + 1, joined.indexOf('\n', at))
          leaks.push(`${kind}: ${line.slice(0, 300)}`)
          break
        }
      }
    }
    if (leaks.length > 0) for (const l of leaks) findings.add('logs', l, { status: 0 })
    expect(leaks).toEqual([])
  })
})
