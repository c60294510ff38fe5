// Token signing keys (RS256, with `kid`) and a fast verifier for tokens this simulator issued.
// Keys are generated once per simulator and imported once; signing uses jose, verification node:crypto
// with a bounded cache, so Graph requests cost a Map lookup once a token has been seen.
import { generateKeyPairSync, randomUUID, verify as cryptoVerify, webcrypto } from 'node:crypto'
import type { KeyObject } from 'node:crypto'

type CryptoKey = webcrypto.CryptoKey
import { SignJWT } from 'jose'
import type { JWK, JWTPayload } from 'jose'

interface SigningKey {
  kid: string
  privateKey: CryptoKey
  publicKey: KeyObject
  jwk: JWK
}

export type VerifyResult =
  | { ok: true; claims: Record<string, unknown> }
  | { ok: false; reason: 'malformed' | 'signature' | 'expired' | 'not_yet_valid' }

const VERIFY_CACHE_MAX = 20_000

async function generateSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' })
  const cryptoKey = await webcrypto.subtle.importKey(
    'pkcs8',
    pkcs8,
    { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    false,
    ['sign'],
  )
  const kid = randomUUID().replace(/-/g, '').slice(0, 27)
  const pub = publicKey.export({ format: 'jwk' })
  const jwk: JWK = { kty: 'RSA', use: 'sig', kid, x5t: kid, n: String(pub.n), e: String(pub.e), alg: 'RS256' }
  return { kid, privateKey: cryptoKey, publicKey, jwk }
}

export class SigningKeys {
  private keys: SigningKey[] = []
  private readonly verified = new Map<string, Record<string, unknown>>()

  static async create(): Promise<SigningKeys> {
    const k = new SigningKeys()
    k.keys.push(await generateSigningKey())
    return k
  }

  get activeKid(): string {
    return this.active().kid
  }

  private active(): SigningKey {
    const k = this.keys[0]
    if (!k) throw new Error('no signing key')
    return k
  }

  /** New signing key becomes active; old keys stay in the JWKS unless dropped (tokens signed by them then fail). */
  async rotate(opts: { dropOld?: boolean } = {}): Promise<string> {
    const next = await generateSigningKey()
    this.keys = opts.dropOld ? [next] : [next, ...this.keys].slice(0, 3)
    this.verified.clear()
    return next.kid
  }

  jwks(): { keys: JWK[] } {
    return { keys: this.keys.map((k) => k.jwk) }
  }

  async sign(payload: JWTPayload, typ = 'JWT'): Promise<string> {
    const k = this.active()
    return new SignJWT(payload)
      .setProtectedHeader({ typ, alg: 'RS256', kid: k.kid, x5t: k.kid })
      .sign(k.privateKey)
  }

  /** Claims of a token already verified (no signature work), else null. */
  knownClaims(token: string): Record<string, unknown> | null {
    return this.verified.get(token) ?? null
  }

  /** Verifies signature and lifetime of a token this simulator signed. */
  verify(token: string, nowSeconds: number): VerifyResult {
    let claims = this.verified.get(token)
    if (!claims) {
      const parts = token.split('.')
      if (parts.length !== 3) return { ok: false, reason: 'malformed' }
      const [h, p, s] = parts as [string, string, string]
      let header: { alg?: unknown; kid?: unknown }
      try {
        header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as { alg?: unknown; kid?: unknown }
        claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>
      } catch {
        return { ok: false, reason: 'malformed' }
      }
      if (header.alg !== 'RS256' || typeof claims !== 'object') return { ok: false, reason: 'malformed' }
      const key = this.keys.find((k) => k.kid === header.kid)
      if (!key) return { ok: false, reason: 'signature' }
      const good = cryptoVerify(
        'sha256',
        Buffer.from(`${h}.${p}`),
        key.publicKey,
        Buffer.from(s, 'base64url'),
      )
      if (!good) return { ok: false, reason: 'signature' }
      if (this.verified.size >= VERIFY_CACHE_MAX) this.verified.clear()
      this.verified.set(token, claims)
    }
    const exp = claims.exp
    const nbf = claims.nbf
    if (typeof exp !== 'number' || exp <= nowSeconds) return { ok: false, reason: 'expired' }
    if (typeof nbf === 'number' && nbf > nowSeconds + 300) return { ok: false, reason: 'not_yet_valid' }
    return { ok: true, claims }
  }
}

/** Decodes a JWT payload without verifying it (to learn the tenant/app of a request for logging and faults). */
export function peekClaims(token: string): Record<string, unknown> | null {
  const p = token.split('.')[1]
  if (!p) return null
  try {
    const v: unknown = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'))
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : null
  } catch {
    return null
  }
}
