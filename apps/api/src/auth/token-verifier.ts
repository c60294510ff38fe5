// Validates Entra ID JWTs of the staff tenant (bearer access tokens and the dashboard's id tokens) against
// the keys the tenant's OpenID discovery document points to. Discovery runs lazily (the API must start even
// while the identity provider is briefly unreachable) and is retried after a failure.
import { createRemoteJWKSet, errors as joseErrors, jwtVerify } from 'jose'
import type { JWTPayload } from 'jose'
import { LruMap } from '@crosstrust/microsoft'
import type { AuthSettings } from './settings.ts'

/** A token that is not acceptable (signature, issuer, audience, lifetime, tenant, algorithm, shape). */
export class InvalidTokenError extends Error {
  override readonly name = 'InvalidTokenError'
}

/** The identity provider could not be asked (discovery or key download failed): not the caller's fault. */
export class IdentityProviderUnavailableError extends Error {
  override readonly name = 'IdentityProviderUnavailableError'
}

interface Discovery {
  issuer: string
  jwks: ReturnType<typeof createRemoteJWKSet>
}

const CLOCK_TOLERANCE_SECONDS = 60
const DISCOVERY_TIMEOUT_MS = 5_000
/**
 * After any key download, jose waits this long before downloading again for an unknown `kid`. Short enough
 * that an unannounced key rollover costs seconds, long enough that forged kids cannot hammer the IdP.
 */
export const JWKS_COOLDOWN_MS = 5_000

/**
 * A token verified once is taken as verified for this long (at most until it expires): a staff client sends
 * the same bearer token with every request, and checking its RS256 signature again cost a list request more
 * CPU than writing its page. Only successes are kept, keyed by the token's exact text and the options, so a
 * token never accepted is never taken from here. A key Microsoft withdraws may count for jose's own key-set
 * cache (10 minutes) and then this minute more.
 */
export const VERIFIED_TOKEN_TTL_MS = 60_000
/** Verified tokens kept (oldest dropped first): one per staff member's current token is plenty. */
export const VERIFIED_TOKEN_CACHE_SIZE = 1_000

interface VerifiedToken {
  payload: JWTPayload
  /** Epoch ms after which the token is verified again (which rejects it once it has expired). */
  until: number
}

export interface VerifyOptions {
  /** Accepted `aud` values. */
  audience: string[]
  /** Claims that must be present besides `exp`, `iat`, `tid`. */
  requiredClaims?: string[]
}

export class TokenVerifier {
  private discovery: Promise<Discovery> | undefined
  private readonly verified = new LruMap<string, VerifiedToken>(VERIFIED_TOKEN_CACHE_SIZE)

  constructor(
    private readonly settings: Pick<AuthSettings, 'loginUrl' | 'tenantId' | 'issuer'>,
    private readonly now: () => number = Date.now,
  ) {}

  private discover(): Promise<Discovery> {
    this.discovery ??= this.loadDiscovery().catch((err: unknown) => {
      this.discovery = undefined
      throw err
    })
    return this.discovery
  }

  private async loadDiscovery(): Promise<Discovery> {
    const url = `${this.settings.loginUrl}/${this.settings.tenantId}/v2.0/.well-known/openid-configuration`
    let doc: unknown
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS) })
      if (!res.ok) throw new Error(`HTTP ${res.status}`)
      doc = await res.json()
    } catch (err) {
      throw new IdentityProviderUnavailableError(`OpenID discovery failed: ${describe(err)}`)
    }
    const { issuer, jwks_uri: jwksUri } = (doc ?? {}) as { issuer?: unknown; jwks_uri?: unknown }
    if (typeof issuer !== 'string' || typeof jwksUri !== 'string' || !jwksUri.startsWith('https://')) {
      throw new IdentityProviderUnavailableError(
        'OpenID discovery document lacks issuer or an https jwks_uri',
      )
    }
    // Keys are cached (10 min) and refetched when a token names an unknown `kid` (key rollover).
    const jwks = createRemoteJWKSet(new URL(jwksUri), {
      timeoutDuration: DISCOVERY_TIMEOUT_MS,
      cooldownDuration: JWKS_COOLDOWN_MS,
    })
    return { issuer, jwks }
  }

  /** Verifies signature (RS256 only), issuer, audience, lifetime and tenant; returns the claims. */
  async verify(token: string, opts: VerifyOptions): Promise<JWTPayload> {
    const key = `${opts.audience.join(' ')}\u0000${(opts.requiredClaims ?? []).join(' ')}\u0000${token}`
    const known = this.verified.get(key)
    if (known !== undefined && known.until > this.now()) return known.payload
    this.verified.delete(key)
    const payload = await this.verifySigned(token, opts)
    // jwtVerify accepted it, so exp is a number; it stays acceptable up to the clock tolerance past it.
    const expiresAt = ((payload.exp ?? 0) + CLOCK_TOLERANCE_SECONDS) * 1000
    this.verified.set(key, { payload, until: Math.min(this.now() + VERIFIED_TOKEN_TTL_MS, expiresAt) })
    return payload
  }

  private async verifySigned(token: string, opts: VerifyOptions): Promise<JWTPayload> {
    const { issuer, jwks } = await this.discover()
    let payload: JWTPayload
    try {
      ;({ payload } = await jwtVerify(token, jwks, {
        algorithms: ['RS256'],
        issuer: [...new Set([this.settings.issuer, issuer])],
        audience: opts.audience,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        currentDate: new Date(this.now()),
        requiredClaims: ['exp', 'iat', 'tid', ...(opts.requiredClaims ?? [])],
      }))
    } catch (err) {
      if (isJoseRejection(err)) throw new InvalidTokenError(joseReason(err))
      throw new IdentityProviderUnavailableError(`signing keys unavailable: ${describe(err)}`)
    }
    if (typeof payload.tid !== 'string' || payload.tid.toLowerCase() !== this.settings.tenantId) {
      throw new InvalidTokenError('token is from another tenant')
    }
    return payload
  }
}

function isJoseRejection(err: unknown): err is joseErrors.JOSEError {
  // JWKS download failures are also JOSEErrors but say nothing about the token itself.
  return (
    err instanceof joseErrors.JOSEError && !(err instanceof joseErrors.JWKSTimeout) && !isFetchFailure(err)
  )
}

function isFetchFailure(err: joseErrors.JOSEError): boolean {
  // jose reports a JWKS endpoint that answers badly with a generic error naming the key set.
  return err.code === 'ERR_JOSE_GENERIC' && err.message.includes('JSON Web Key Set')
}

function joseReason(err: joseErrors.JOSEError): string {
  if (err instanceof joseErrors.JWTExpired) return 'token expired'
  if (err instanceof joseErrors.JWTClaimValidationFailed) return `claim ${err.claim} is not acceptable`
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return 'algorithm not allowed'
  if (err instanceof joseErrors.JWKSNoMatchingKey) return 'no matching signing key'
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return 'signature verification failed'
  return 'malformed token'
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : 'unknown error'
}
