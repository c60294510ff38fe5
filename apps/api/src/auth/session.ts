// The dashboard session is an encrypted cookie (JWE, dir + A256GCM) rather than a server-side record:
// API instances stay stateless behind a load balancer, a request needs no session lookup (only a Redis
// EXISTS for the sign-out revocation set, see session-revocation.ts), and the content (who, which roles) is
// confidential and tamper-proof. Each sign-in gets a fresh random session id (`sid`) that the CSRF token is
// bound to. The session lasts at most 8 hours from sign-in (absolute); then staff sign in again and their
// roles are read afresh.
import { createHash, hkdfSync, randomBytes } from 'node:crypto'
import { EncryptJWT, jwtDecrypt } from 'jose'
import type { JWTPayload } from 'jose'

export const SESSION_MAX_AGE_SECONDS = 8 * 3600
export const SIGN_IN_MAX_AGE_SECONDS = 10 * 60

/** Keys derived from SESSION_SECRET; separate purposes never share a key. */
export interface SessionKeys {
  session: Uint8Array
  signIn: Uint8Array
  csrf: Buffer
}

function derive(secret: string, purpose: string): Buffer {
  const salt = createHash('sha256').update('crosstrust-staff-auth').digest()
  return Buffer.from(hkdfSync('sha256', secret, salt, `crosstrust ${purpose} v1`, 32))
}

export function deriveKeys(secret: string): SessionKeys {
  return {
    session: new Uint8Array(derive(secret, 'session')),
    signIn: new Uint8Array(derive(secret, 'sign-in')),
    csrf: derive(secret, 'csrf'),
  }
}

export function randomId(bytes = 32): string {
  return randomBytes(bytes).toString('base64url')
}

export async function seal(claims: JWTPayload, key: Uint8Array, maxAgeSeconds: number): Promise<string> {
  return new EncryptJWT(claims)
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + maxAgeSeconds)
    .encrypt(key)
}

/** The claims of a cookie we sealed, or null when it is missing, forged, tampered with or expired. */
export async function unseal(value: string | undefined, key: Uint8Array): Promise<JWTPayload | null> {
  if (!value || value.length > 8192) return null
  try {
    const { payload } = await jwtDecrypt(value, key, {
      keyManagementAlgorithms: ['dir'],
      contentEncryptionAlgorithms: ['A256GCM'],
      requiredClaims: ['exp', 'iat'],
    })
    return payload
  } catch {
    return null
  }
}
