// Every way a request can pretend to be staff without being staff: bearer tokens that are wrong in exactly
// one respect, malformed Authorization headers, and session cookies that are forged, tampered with,
// expired or sealed with another secret.
import { randomBytes } from 'node:crypto'
import { SignJWT } from 'jose'
import { deriveKeys, seal } from '../../../apps/api/src/auth/session.ts'
import { accessClaims, badTokens } from '../../../apps/api/test/auth-support.ts'
import type { RunningSimulator } from '@crosstrust/ms-sim'

export interface Credential {
  name: string
  headers: Record<string, string>
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')

/** A session cookie's claims as the app seals them (see apps/api/src/auth/session-cookie.ts). */
export function sessionClaims(roles: string[], over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    sid: randomBytes(24).toString('base64url'),
    oid: 'a3333333-3333-4333-8333-333333333333',
    tid: '07d2f395-f69c-43ab-88a2-b82f1151042d',
    name: 'Forged Admin',
    username: 'forged@example.com',
    roles,
    ...over,
  }
}

export async function sealedSession(secret: string, claims: Record<string, unknown>, maxAge = 3600) {
  return seal(claims, deriveKeys(secret).session, maxAge)
}

export async function bearerVariants(sim: RunningSimulator, partnerAppId: string): Promise<Credential[]> {
  const bad = await badTokens(sim)
  const sign = (over: Record<string, unknown>) => sim.state.keys.sign(accessClaims(sim, over))
  const extra: Record<string, string> = {
    // An id token (nonce, no scp) must not pass as an access token.
    'id token': await sign({ scp: undefined, nonce: 'n-0123456789', idtyp: undefined }),
    // A token for the partner's customer-facing app (same issuer family, other audience).
    'partner app audience': await sign({ aud: partnerAppId }),
    'no oid': await sign({ oid: undefined }),
    'HS256 with a guessed key': await new SignJWT(accessClaims(sim))
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode('secret')),
    'alg none, no dot': `${b64({ alg: 'none', typ: 'JWT' })}.${b64(accessClaims(sim))}`,
    'ALG NONE upper': `${b64({ alg: 'NONE', typ: 'JWT' })}.${b64(accessClaims(sim))}.`,
    'kid injection': await new SignJWT(accessClaims(sim))
      .setProtectedHeader({ alg: 'HS256', kid: '../../../../dev/null' })
      .sign(new Uint8Array(32)),
    'empty token parts': '..',
    'overlong token': `${'a'.repeat(9000)}.${'b'.repeat(9000)}.c`,
  }
  const tokens = { ...bad, ...extra }
  const variants: Credential[] = Object.entries(tokens).map(([name, token]) => ({
    name: `bearer: ${name}`,
    headers: { authorization: `Bearer ${token}` },
  }))
  for (const [name, value] of Object.entries({
    'empty Authorization': '',
    'Bearer without token': 'Bearer',
    'Bearer and space': 'Bearer ',
    'Basic admin:admin': `Basic ${Buffer.from('admin:admin').toString('base64')}`,
    'two tokens': 'Bearer a.b.c Bearer d.e.f',
    'Bearer null': 'Bearer null',
    'Bearer undefined': 'Bearer undefined',
    'other scheme': 'Token abc',
    'Bearer with 8 KB garbage': `Bearer ${'x'.repeat(8192)}`,
    'Bearer with unicode': 'Bearer \u202Eabc\u200B',
  })) {
    variants.push({ name: `authorization: ${name}`, headers: { authorization: value } })
  }
  return variants
}

export async function cookieVariants(
  sessionSecret: string,
  validAdminCookie: string,
  signInCookie: string,
): Promise<Credential[]> {
  const other = randomBytes(32).toString('hex')
  const flipped = `${validAdminCookie.slice(0, 60)}${validAdminCookie[60] === 'A' ? 'B' : 'A'}${validAdminCookie.slice(61)}`
  const cookies: Record<string, string> = {
    'garbage session': 'garbage',
    'session sealed with another secret': await sealedSession(other, sessionClaims(['Admin'])),
    'tampered session (one character)': flipped,
    'truncated session': validAdminCookie.slice(0, -5),
    'expired session': await sealedSession(sessionSecret, sessionClaims(['Admin']), -60),
    'session without sid': await sealedSession(sessionSecret, sessionClaims(['Admin'], { sid: undefined })),
    'sign-in cookie as session': signInCookie,
    'unsigned JWT as session': `${b64({ alg: 'none' })}.${b64(sessionClaims(['Admin']))}.`,
    'oversized session': 'x'.repeat(9000),
  }
  const variants: Credential[] = [{ name: 'no credentials', headers: {} }]
  for (const [name, value] of Object.entries(cookies)) {
    variants.push({ name: `cookie: ${name}`, headers: { cookie: `ct_session=${value}` } })
  }
  variants.push({
    name: 'cookie: valid session under another name',
    headers: { cookie: `__Host-ct_session=${validAdminCookie}; ct_session_x=${validAdminCookie}` },
  })
  return variants
}
