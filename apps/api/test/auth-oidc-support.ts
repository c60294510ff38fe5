// Shared setup of the dashboard sign-in tests: an app with the auth plugin and a few routes behind the
// route policy, against the simulator's staff tenant; a browser's sign-in followed redirect by redirect.
// `sim`, `app`, `base` and `redis` are ES live bindings set by useOidcApp's hooks.
import { afterAll, beforeAll, expect } from 'vitest'
import type { RunningSimulator } from '@crosstrust/ms-sim'
import type { FastifyInstance } from 'fastify'
import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import { redisSessionRevocations, type RoutePolicyTable } from '../src/auth/index.ts'
import {
  authConfig,
  buildAuthApp,
  CookieJar,
  freePort,
  STAFF_TENANT,
  startStaffSimulator,
} from './auth-support.ts'

export const POLICY: RoutePolicyTable = [
  { method: '*', url: '/auth/*', access: 'public' },
  { method: 'GET', url: '/dash', access: 'Viewer' },
  { method: 'POST', url: '/dash/act', access: 'Operator' },
  { method: 'POST', url: '/api/v1/act', access: 'Operator' },
]

export let sim: RunningSimulator
export let app: FastifyInstance
export let base: string
export let redis: Redis

/** Per test file: the staff simulator, Redis for session revocations, and the app listening on a free port. */
export function useOidcApp(): void {
  beforeAll(async () => {
    const port = await freePort()
    base = `http://127.0.0.1:${port}`
    sim = await startStaffSimulator([`${base}/auth/callback`])
    redis = new Redis('redis://127.0.0.1:6379', { lazyConnect: true })
    await redis.connect()
    app = await buildAuthApp(authConfig(sim, base), {
      policy: POLICY,
      revocations: redisSessionRevocations(redis, `crosstrust-test-auth-${randomUUID()}`),
      routes: (a) => {
        a.get('/dash', (req) => ({ principal: req.principal, csrf: req.csrfToken() }))
        a.post('/dash/act', (req) => ({ ok: true, by: req.principal?.oid }))
        a.post('/api/v1/act', () => ({ ok: true }))
      },
    })
    await app.listen({ host: '127.0.0.1', port })
  })

  afterAll(async () => {
    await app.close()
    await sim.close()
    redis.disconnect()
  })
}

export const setCookies = (res: Response) => res.headers.getSetCookie()

export function unescapeHtml(s: string): string {
  return s
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&')
}

/** The hidden fields of the simulator's "pick an account" form for one user. */
export function accountForm(html: string, userId: string): { action: string; fields: URLSearchParams } {
  const form = html.split('<form').find((f) => f.includes(`value="${userId}"`))
  if (!form) throw new Error(`no account form for ${userId}`)
  const action = /action="([^"]+)"/.exec(form)?.[1]
  if (!action) throw new Error('form without action')
  const fields = new URLSearchParams()
  for (const m of form.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)) {
    fields.append(unescapeHtml(m[1] ?? ''), unescapeHtml(m[2] ?? ''))
  }
  return { action: unescapeHtml(action), fields }
}

export interface SignInResult {
  jar: CookieJar
  /** Where the app sent the browser after the callback. */
  landedOn: string
  callbackStatus: number
}

/**
 * A browser starting a sign-in and picking `userId` on Microsoft's page, following each redirect by hand up
 * to (not into) our callback. `alterForm` lets a test tamper with what the account form posts.
 */
export async function pickAccount(
  userId: string,
  opts: { returnTo?: string; alterForm?: (fields: URLSearchParams) => void } = {},
): Promise<{ jar: CookieJar; callbackUrl: string }> {
  const jar = new CookieJar()
  const query = opts.returnTo === undefined ? '' : `?returnTo=${encodeURIComponent(opts.returnTo)}`
  const start = await fetch(`${base}/auth/sign-in${query}`, { redirect: 'manual' })
  expect(start.status).toBe(302)
  jar.store(setCookies(start))
  const authorizeUrl = start.headers.get('location') ?? ''
  expect(authorizeUrl.startsWith(`${sim.loginUrl}/${STAFF_TENANT}/oauth2/v2.0/authorize?`)).toBe(true)

  const page = await fetch(authorizeUrl, { redirect: 'manual' })
  expect(page.status).toBe(200)
  const { action, fields } = accountForm(await page.text(), userId)
  opts.alterForm?.(fields)
  const picked = await fetch(new URL(action, sim.loginUrl), {
    method: 'POST',
    body: fields,
    redirect: 'manual',
  })
  expect(picked.status).toBe(302)
  const callbackUrl = picked.headers.get('location') ?? ''
  expect(callbackUrl.startsWith(`${base}/auth/callback?`)).toBe(true)
  return { jar, callbackUrl }
}

/** A browser signing in as `userId`, following every redirect by hand. */
export async function signIn(userId: string, returnTo?: string): Promise<SignInResult> {
  const { jar, callbackUrl } = await pickAccount(userId, returnTo === undefined ? {} : { returnTo })
  const callback = await fetch(callbackUrl, { headers: { cookie: jar.header() }, redirect: 'manual' })
  jar.store(setCookies(callback))
  return { jar, landedOn: callback.headers.get('location') ?? '', callbackStatus: callback.status }
}

export async function dash(jar: CookieJar) {
  return fetch(`${base}/dash`, { headers: { cookie: jar.header(), accept: 'text/html' }, redirect: 'manual' })
}

export function postForm(
  url: string,
  jar: CookieJar,
  form: Record<string, string>,
  headers: Record<string, string> = {},
) {
  return fetch(`${base}${url}`, {
    method: 'POST',
    headers: { cookie: jar.header(), accept: 'text/html', ...headers },
    body: new URLSearchParams(form),
    redirect: 'manual',
  })
}
