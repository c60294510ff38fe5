// A real dashboard sign-in against the simulator, as a browser does it: /auth/sign-in → the simulator's
// authorize endpoint (the user is picked by form post) → /auth/callback with the sign-in cookie.
import { rawRequest, type RawResponse } from './raw-http.ts'

export interface SignIn {
  /** The 302 from /auth/sign-in. */
  start: RawResponse
  /** The OAuth `state` and authorization code that travelled through the browser. */
  state: string
  code: string
  signInCookie: string
  /** The callback's answer (303 to returnTo on success). */
  callback: RawResponse
  sessionCookie: string | undefined
}

function cookieValue(res: RawResponse, name: string): string | undefined {
  for (const line of res.setCookies) {
    const [pair = ''] = line.split(';')
    const eq = pair.indexOf('=')
    if (pair.slice(0, eq).trim() === name && eq > 0) return pair.slice(eq + 1).trim()
  }
  return undefined
}

export async function staffSignIn(
  port: number,
  userId: string,
  returnToWire: string,
  from: string,
): Promise<SignIn> {
  const start = await rawRequest(port, {
    method: 'GET',
    target: `/auth/sign-in?returnTo=${returnToWire}`,
    from,
  })
  const location = start.headers.location
  const signInCookie = cookieValue(start, 'ct_signin')
  if (start.status !== 302 || !location || !signInCookie) {
    throw new Error(`sign-in answered ${start.status} without a redirect and cookie`)
  }
  const authorize = new URL(location)
  const form = new URLSearchParams(authorize.searchParams)
  form.set('user_id', userId)
  const picked = await fetch(`${authorize.origin}${authorize.pathname}`, {
    method: 'POST',
    body: form,
    redirect: 'manual',
  })
  const back = picked.headers.get('location')
  if (picked.status !== 302 || !back) throw new Error(`authorize answered ${picked.status}`)
  const callbackUrl = new URL(back)
  const state = callbackUrl.searchParams.get('state') ?? ''
  const code = callbackUrl.searchParams.get('code') ?? ''
  const callback = await rawRequest(port, {
    method: 'GET',
    target: `${callbackUrl.pathname}${callbackUrl.search}`,
    headers: { cookie: `ct_signin=${signInCookie}` },
    from,
  })
  return { start, state, code, signInCookie, callback, sessionCookie: cookieValue(callback, 'ct_session') }
}
