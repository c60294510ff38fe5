// Every public endpoint × every parameter × every payload, as raw requests.
import { FUZZ_PAYLOADS, type Payload } from './payloads.ts'

export interface FuzzCase {
  label: string
  method: string
  target: string
  headers?: Record<string, string>
  body?: string
  payload?: Payload
}

export interface FuzzFixture {
  /** A valid, unused consent link token (hostile extras next to it must change nothing on GET). */
  validToken: string
  /** A tenant id that exists in the simulator. */
  tenantId: string
  /** A working status page link token (GET only: starting a sign-in on it would create a row). */
  statusToken: string
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded' }
const CALLBACK_PARAMS = [
  'state',
  'admin_consent',
  'tenant',
  'error',
  'error_description',
  'error_subcode',
  'scope',
]

const STATUS_SESSION = 'crosstrust_status_session'
/** A sign-in cookie name as the status page sets them (one per sign-in, named by its id). */
const STATUS_SIGN_IN = 'crosstrust_status_signin_00000000000040008000000000000000'

function callback(params: Record<string, string>): string {
  return `/consent/callback?${Object.entries(params)
    .map(([k, v]) => `${k}=${v}`)
    .join('&')}`
}

export function fuzzCases(fx: FuzzFixture): FuzzCase[] {
  const cases: FuzzCase[] = []
  const add = (p: Payload, method: string, target: string, extra: Partial<FuzzCase> = {}) => {
    cases.push({
      label: `${method} ${target.slice(0, 90)} [${p.name}]`,
      method,
      target,
      payload: p,
      ...extra,
    })
  }
  for (const p of FUZZ_PAYLOADS) {
    const w = p.wire
    add(p, 'GET', `/consent/${w}`)
    add(p, 'GET', `/consent/${fx.validToken}?${w}=${w}&returnTo=${w}`)
    add(p, 'POST', `/consent/${w}/start`)
    add(p, 'POST', `/consent/${w}/start`, { headers: FORM, body: `token=${w}&state=${w}` })
    for (const name of CALLBACK_PARAMS) {
      const base: Record<string, string> = {
        admin_consent: 'True',
        tenant: fx.tenantId,
        state: 'unknown-state-0123456789',
      }
      add(p, 'GET', callback({ ...base, [name]: w }))
    }
    add(p, 'GET', callback({ error: 'access_denied', error_description: w, state: w }))
    add(p, 'GET', `/consent/callback?state=${w}&state=${w}&tenant=${w}&tenant=x`)
    add(p, 'GET', `/consent/signed-in?code=${w}&state=${w}`)
    add(p, 'GET', `/consent/signed-in?code=x&state=unknown-state-0123456789&client_info=${w}`)
    add(p, 'GET', `/consent/signed-in?error=${w}&error_subcode=${w}&error_description=${w}&state=${w}`)
    add(p, 'GET', `/consent/result/${w}`)
    add(p, 'GET', `/consent/status/${w}`)
    add(p, 'POST', `/consent/result/${w}/retry`)
    add(p, 'GET', `/auth/sign-in?returnTo=${w}`)
    add(p, 'GET', `/auth/callback?code=${w}&state=${w}`)
    add(p, 'GET', `/auth/callback?error=${w}&error_description=${w}&state=${w}`)
    add(p, 'GET', `/assets/${w}`)
    add(p, 'GET', `/${w}`)
    // The customer's status page: link, sign-in, the signed-in page and removal (no session here).
    add(p, 'GET', `/status/${w}`)
    add(p, 'GET', `/status/${fx.statusToken}?${w}=${w}&returnTo=${w}`)
    add(p, 'POST', `/status/${w}/sign-in`)
    add(p, 'POST', `/status/${w}/sign-in`, { headers: FORM, body: `token=${w}&state=${w}` })
    add(p, 'GET', `/status/signed-in?code=${w}&state=${w}`)
    add(p, 'GET', `/status/signed-in?code=x&state=unknown-state-0123456789&client_info=${w}`)
    add(p, 'GET', `/status/signed-in?error=${w}&error_subcode=${w}&error_description=${w}&state=${w}`)
    add(p, 'GET', `/status/signed-in?state=${w}&state=${w}&code=${w}&code=x`)
    add(p, 'GET', `/status/view?${w}=${w}`)
    add(p, 'GET', `/status/view/remove?confirm=${w}`)
    add(p, 'POST', `/status/view/remove`, { headers: FORM, body: `csrf=${w}&confirm=remove` })
    add(p, 'POST', `/status/view/remove`, { headers: FORM, body: `csrf=x&confirm=${w}` })
    add(p, 'POST', `/status/view/sign-out`, { headers: FORM, body: `a=${w}` })
  }
  // Malformed bodies on the public POST endpoints: broken JSON, prototype pollution, oversize, odd types.
  const bodies: [string, Record<string, string>, string][] = [
    ['broken json', { 'content-type': 'application/json' }, '{"a":'],
    [
      'proto pollution',
      { 'content-type': 'application/json' },
      '{"__proto__":{"admin":true},"constructor":{"prototype":{"admin":true}}}',
    ],
    ['json array', { 'content-type': 'application/json' }, '[1,2,3]'],
    ['oversize form', FORM, `a=${'x'.repeat(300 * 1024)}`],
    [
      'multipart garbage',
      { 'content-type': 'multipart/form-data; boundary=x' },
      '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n<script>\r\n--x--',
    ],
    [
      'xml',
      { 'content-type': 'application/xml' },
      '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>',
    ],
    [
      'declared 10 MB',
      { 'content-type': 'application/json', 'content-length': String(10 * 1024 * 1024) },
      '{}',
    ],
    ['form with repeated keys', FORM, 'a=1&a=2&a[]=3&__proto__[admin]=1'],
  ]
  const malformed: Payload = { family: 'malformed', name: 'body', wire: '' }
  for (const [name, headers, body] of bodies) {
    for (const target of [
      `/consent/unknown-token-0123456789/start`,
      '/consent/result/00000000-0000-4000-8000-000000000000/retry',
      '/status/unknown-token-0123456789/sign-in',
      '/status/view/remove',
      '/status/view/sign-out',
    ]) {
      cases.push({
        label: `POST ${target} [body: ${name}]`,
        method: 'POST',
        target,
        headers,
        body,
        payload: malformed,
      })
    }
  }
  // Hostile header values (those a header line can carry at all).
  for (const p of FUZZ_PAYLOADS) {
    const value = p.reflect ?? decodeSafe(p.wire)
    if (value === undefined || /[\r\n\0]/.test(value) || value.length > 4096) continue
    add(p, 'GET', '/auth/callback?state=x&code=y', { headers: { cookie: `ct_signin=${value}` } })
    add(p, 'GET', `/consent/${fx.validToken}`, {
      headers: { 'x-request-id': value, 'x-forwarded-for': value, referer: value, accept: value },
    })
    // Forged status-page cookies: a session secret nobody was given, a sign-in cookie for no sign-in.
    for (const target of ['/status/view', '/status/view/remove']) {
      add(p, 'GET', target, { headers: { cookie: `${STATUS_SESSION}=${value}` } })
    }
    add(p, 'POST', '/status/view/remove', {
      headers: { ...FORM, cookie: `${STATUS_SESSION}=${value}` },
      body: 'csrf=x&confirm=remove',
    })
    add(p, 'POST', '/status/view/sign-out', { headers: { cookie: `${STATUS_SESSION}=${value}` } })
    add(p, 'GET', '/status/signed-in?state=unknown-state-0123456789&code=x', {
      headers: { cookie: `${STATUS_SIGN_IN}=${value}` },
    })
    add(p, 'GET', `/status/${fx.statusToken}`, {
      headers: { 'x-request-id': value, 'x-forwarded-for': value, referer: value, accept: value },
    })
  }
  return cases
}

function decodeSafe(wire: string): string | undefined {
  try {
    return decodeURIComponent(wire)
  } catch {
    return undefined
  }
}

/** Request targets sent byte for byte, without any encoding (what a hand-written client could send). */
export const RAW_TARGETS: { name: string; method: string; target: string; reflect?: string }[] = [
  { name: 'raw-crlf-path', method: 'GET', target: '/consent/a\r\nX-Injected: 1' },
  { name: 'raw-lf-path', method: 'GET', target: '/consent/a\nX-Injected: 1' },
  {
    name: 'raw-script-path',
    method: 'GET',
    target: '/consent/<script>alert(1)</script>',
    reflect: '<script>alert(1)</script>',
  },
  {
    name: 'raw-quote-path',
    method: 'GET',
    target: '/consent/"><img src=x onerror=alert(1)>',
    reflect: '"><img src=x onerror=alert(1)>',
  },
  { name: 'raw-space-path', method: 'GET', target: '/consent/a b' },
  { name: 'raw-nul-path', method: 'GET', target: '/consent/a\0b' },
  { name: 'raw-latin1-bytes', method: 'GET', target: '/consent/\xff\xfe\xc0\xaf' },
  { name: 'raw-dotdot', method: 'GET', target: '/consent/../../../../etc/passwd' },
  { name: 'raw-assets-dotdot', method: 'GET', target: '/assets/../../../package.json' },
  { name: 'raw-assets-encoded-dotdot', method: 'GET', target: '/assets/..%2f..%2f..%2fpackage.json' },
  { name: 'raw-assets-env', method: 'GET', target: '/assets/%2e%2e/%2e%2e/%2e%2e/.env.example' },
  { name: 'raw-double-slash', method: 'GET', target: '//evil.example/consent/x' },
  { name: 'raw-backslash', method: 'GET', target: '/\\evil.example' },
  { name: 'raw-absolute-form', method: 'GET', target: 'http://evil.example/consent/x' },
  { name: 'raw-asterisk', method: 'OPTIONS', target: '*' },
  { name: 'raw-callback-crlf', method: 'GET', target: '/consent/callback?state=a\r\nX-Injected: 1' },
  { name: 'raw-signin-crlf', method: 'GET', target: '/auth/sign-in?returnTo=/a\r\nX-Injected: 1' },
  { name: 'raw-huge-target', method: 'GET', target: `/consent/${'a'.repeat(70_000)}` },
  { name: 'raw-status-crlf-path', method: 'GET', target: '/status/a\r\nX-Injected: 1' },
  {
    name: 'raw-status-script-path',
    method: 'GET',
    target: '/status/<script>alert(1)</script>',
    reflect: '<script>alert(1)</script>',
  },
  { name: 'raw-status-dotdot', method: 'GET', target: '/status/../../../../etc/passwd' },
  { name: 'raw-status-signed-in-crlf', method: 'GET', target: '/status/signed-in?state=a\r\nX-Injected: 1' },
  { name: 'raw-status-huge-target', method: 'GET', target: `/status/${'a'.repeat(70_000)}` },
  { name: 'raw-bad-method', method: 'FOO', target: '/consent/x' },
  { name: 'raw-trace', method: 'TRACE', target: '/consent/x' },
]
