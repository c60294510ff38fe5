// Dashboard sessions after an OIDC sign-in over real HTTP: CSRF tokens on dashboard forms (bound to the
// session, checked after the role) and sign-out (CSRF, one session only, an unreachable revocation store).
import { describe, expect, it } from 'vitest'
import { checkRevoked } from '../src/auth/session-revocation.ts'
import { CookieJar, STAFF } from './auth-support.ts'
import { base, setCookies, signIn, dash, postForm, useOidcApp } from './auth-oidc-support.ts'

useOidcApp()

describe('CSRF on dashboard forms', () => {
  it('refuses a form post without or with a wrong token, accepts the session token', async () => {
    const { jar } = await signIn(STAFF.operator)
    const { csrf } = (await (await dash(jar)).json()) as { csrf: string }

    const missing = await postForm('/dash/act', jar, { note: 'x' })
    expect(missing.status).toBe(403)
    expect(await missing.text()).toContain('CSRF')

    expect((await postForm('/dash/act', jar, { _csrf: 'A'.repeat(43) })).status).toBe(403)
    expect((await postForm('/dash/act', jar, { _csrf: '' })).status).toBe(403)

    const ok = await postForm('/dash/act', jar, { _csrf: csrf, note: 'x' })
    expect(ok.status).toBe(200)
    expect(await ok.json()).toEqual({ ok: true, by: STAFF.operator })

    // Scripts send it as a header (JSON API used from the dashboard with the session).
    const viaHeader = await fetch(`${base}/api/v1/act`, {
      method: 'POST',
      headers: { cookie: jar.header(), 'content-type': 'application/json', 'x-csrf-token': csrf },
      body: '{}',
    })
    expect(viaHeader.status).toBe(200)
    const noHeader = await fetch(`${base}/api/v1/act`, {
      method: 'POST',
      headers: { cookie: jar.header(), 'content-type': 'application/json' },
      body: '{}',
    })
    expect(noHeader.status).toBe(403)
    expect(await noHeader.json()).toMatchObject({ code: 'csrf_failed' })
  })

  it('binds the token to the session: another session’s token is refused', async () => {
    const a = await signIn(STAFF.operator)
    const b = await signIn(STAFF.operator)
    const { csrf: tokenOfA } = (await (await dash(a.jar)).json()) as { csrf: string }
    const { csrf: tokenOfB } = (await (await dash(b.jar)).json()) as { csrf: string }
    expect(tokenOfA).not.toBe(tokenOfB)
    expect((await postForm('/dash/act', b.jar, { _csrf: tokenOfA })).status).toBe(403)
  })

  it('checks the role before anything else: a viewer with a valid token still gets 403 for an operator form', async () => {
    const { jar } = await signIn(STAFF.viewer)
    const { csrf } = (await (await dash(jar)).json()) as { csrf: string }
    const res = await postForm('/dash/act', jar, { _csrf: csrf })
    expect(res.status).toBe(403)
    expect(res.headers.get('content-type')).toMatch(/text\/html/)
    expect(await res.text()).toContain('Operator')
  })
})

describe('sign-out', () => {
  it('needs the CSRF token, then clears the session', async () => {
    const { jar } = await signIn(STAFF.admin)
    const { csrf } = (await (await dash(jar)).json()) as { csrf: string }

    const forged = await postForm('/auth/sign-out', jar, {})
    expect(forged.status).toBe(403)
    expect((await dash(jar)).status).toBe(200)

    const copy = jar.get('ct_session') ?? ''
    const out = await postForm('/auth/sign-out', jar, { _csrf: csrf })
    expect(out.status).toBe(303)
    expect(out.headers.get('location')).toBe('/auth/signed-out')
    jar.store(setCookies(out))
    expect(jar.get('ct_session')).toBeUndefined()
    const after = await dash(jar)
    expect(after.status).toBe(302)
    expect(after.headers.get('location')).toMatch(/^\/auth\/sign-in/)

    const page = await fetch(`${base}/auth/signed-out`)
    expect(page.status).toBe(200)

    // A copy of the cookie taken before sign-out no longer works (revoked for every instance).
    const stolen = new CookieJar()
    stolen.set('ct_session', copy)
    expect((await dash(stolen)).status).toBe(302)
  })

  it('does not end other sessions of the same user', async () => {
    const first = await signIn(STAFF.admin)
    const second = await signIn(STAFF.admin)
    const { csrf } = (await (await dash(first.jar)).json()) as { csrf: string }
    expect((await postForm('/auth/sign-out', first.jar, { _csrf: csrf })).status).toBe(303)
    expect((await dash(second.jar)).status).toBe(200)
  })

  it('does not let an unreachable revocation store hang requests or lock staff out', async () => {
    const errors: unknown[] = []
    const started = Date.now()
    const hanging = {
      revoke: () => new Promise<void>(() => undefined),
      isRevoked: () => new Promise<boolean>(() => undefined),
    }
    expect(await checkRevoked(hanging, 'sid', (err) => errors.push(err))).toBe(false)
    expect(Date.now() - started).toBeLessThan(2_000)
    expect(errors).toHaveLength(1)
  })
})
