// The security suite (`pnpm test:security`), public endpoints: a whole Crosstrust (API, worker, Postgres,
// Redis, the Microsoft simulator) attacked from outside. Every public endpoint is fuzzed (malformed,
// overlong, unicode, injection payloads) and must change nothing; real staff sign-ins with hostile returnTo
// values stay on the site; the rate limits are burst.
import { describe, expect, it } from 'vitest'
import { issueStatusLink } from '@crosstrust/services'
import { consentAs } from '../support/consent-driver.ts'
import { addTenant, finished, newCustomer, serviceContext } from '../support/consent-steps.ts'
import { DEMO_IDS } from '../support/system.ts'
import { changedTables, dbSnapshot } from './support/db-snapshot.ts'
import { fuzzCases, RAW_TARGETS } from './support/fuzz-targets.ts'
import { encode, KEPT_RETURN_TOS, NORMALISED_REDIRECTS, OPEN_REDIRECTS } from './support/payloads.ts'
import { type RawResponse } from './support/raw-http.ts'
import { staffSignIn } from './support/staff-sign-in.ts'
import {
  SEALED_COOKIE,
  findings,
  tally,
  sys,
  port,
  redirects,
  fuzzFrom,
  remember,
  pool,
  send,
  sendOrRecord,
  expectNoFindings,
  findLogLeaks,
  logLines,
  useSecurityRun,
} from './support/security-run.ts'

useSecurityRun('public')

describe('security', () => {
  it('public endpoints answer hostile input with a clear 4xx or a safe page and change nothing', async () => {
    const tenant = addTenant(sys)
    const { token } = await newCustomer(sys, 'Fuzz target AB', tenant.id)
    remember('consent link token', token)
    // The consent link above stays unused (it is fuzzed); a status link needs a customer who has consented.
    const statusTenant = addTenant(sys)
    const statusTarget = await newCustomer(sys, 'Status page target AB', statusTenant.id)
    expect((await consentAs(statusTarget.linkUrl, statusTenant.id, 'accept')).finalUrl).toContain(
      '/consent/result/',
    )
    expect((await finished(sys, statusTarget.customerId)).onboardingState).toBe('onboarded')
    const status = await issueStatusLink(
      serviceContext(sys),
      { publicBaseUrl: sys.baseUrl },
      statusTarget.customerId,
      {
        type: 'staff',
        id: 'security-suite',
        name: 'Security suite',
      },
    )
    const statusToken = status.url.split('/').pop() ?? ''
    remember('status link token', statusToken)
    const before = await dbSnapshot(sys.db.prisma)

    const cases = fuzzCases({ validToken: token, tenantId: tenant.id, statusToken })
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
      ['GET', '/status/unknown-token-0123456789', 60],
      ['POST', '/status/unknown-token-0123456789/sign-in', 20],
      ['GET', '/status/signed-in?state=unknown-state-0123456789&code=x', 30],
      ['GET', '/status/view', 120],
      ['POST', '/status/view/remove', 10],
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

  it('no log line of the API or the worker contains a token, state or cookie sent while fuzzing', async () => {
    // Let the worker finish anything in flight so its logs are complete.
    await new Promise((r) => setTimeout(r, 500))
    const leaks = findLogLeaks()
    expect(logLines.length).toBeGreaterThan(100)
    expect(leaks).toEqual([])
  })
})
