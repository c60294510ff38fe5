// The customer administrator's OpenID Connect sign-in on the partner app, before admin consent. It yields the
// one fact a consent may bind: the tenant (`tid`) of an ID token Microsoft signed for this admin.
//
// Authorization code flow with PKCE through MSAL on the `organizations` authority (work and school accounts
// only), `prompt=select_account` so the admin picks the account deliberately. The ID token is then verified
// here, not trusted because it came over TLS: RS256 signature against the signing keys of the token's own
// tenant, issuer `{login}/{tid}/v2.0` (Microsoft's documented multi-tenant issuer validation), audience = our
// client id, lifetime, and the nonce of this sign-in.
// https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow
// https://learn.microsoft.com/entra/identity-platform/id-tokens#validate-tokens
import { createHash } from 'node:crypto'
import { ConfidentialClientApplication, LogLevel } from '@azure/msal-node'
import { createRemoteJWKSet, decodeJwt, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose'
import type { MicrosoftLogger } from './logger.ts'
import { silentLogger } from './logger.ts'
import { LruMap } from './lru-map.ts'
import { msalAuthorityOptions } from './msal-authority.ts'
import { msalCredential, type ClientCredential } from './token-provider.ts'
import { isGuid, normalizeBaseUrl } from './urls.ts'

// MSAL always adds openid, profile and offline_access; nothing else is needed to learn who signed in.
const SCOPES = ['openid', 'profile']
const CLOCK_TOLERANCE_SECONDS = 60
const KEY_TIMEOUT_MS = 5_000
/** After a key download jose waits this long before another one for an unknown `kid`. */
const KEY_COOLDOWN_MS = 5_000
/** Key sets kept (one per recently signed-in tenant). */
const MAX_KEY_SETS = 1_000

export interface AdminSignInOptions {
  loginUrl: string
  clientId: string
  credential: ClientCredential
  /** Exactly the redirect URI registered on the app: `${PUBLIC_BASE_URL}/consent/signed-in`. */
  redirectUri: string
  logger?: MicrosoftLogger
}

export interface SignInRequest {
  state: string
  nonce: string
  codeVerifier: string
}

export interface SignedInAdmin {
  tenantId: string
  oid: string
  name: string | null
  username: string | null
  /**
   * The token's `wids`: template ids of the admin's active directory roles (not PIM-eligible ones); null when
   * the claim is absent (nothing is known about the roles then, which is not the same as "no roles").
   * Documented for access tokens when `groupMembershipClaims` is DirectoryRole or All
   * (https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference); in ID tokens it is
   * observed under the same setting, which https://learn.microsoft.com/entra/identity-platform/reference-app-manifest
   * describes.
   */
  directoryRoles?: string[] | null
}

/** The sign-in response cannot be trusted (or redeemed): nothing may be bound from it. */
export class AdminSignInError extends Error {
  override readonly name = 'AdminSignInError'
  constructor(
    message: string,
    readonly kind: 'redeem_failed' | 'invalid_token',
  ) {
    super(message)
  }
}

export interface AdminSignIn {
  /** Where to send the admin's browser: Microsoft's account picker for this app. */
  authorizationUrl(request: SignInRequest): Promise<string>
  /** Redeems the code (PKCE) and returns the verified identity of the admin who signed in. */
  complete(code: string, request: SignInRequest): Promise<SignedInAdmin>
}

export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url')
}

/**
 * Verifies an ID token of any work or school tenant for our app: the token's `tid` picks that tenant's keys
 * and issuer, and the signature then vouches for the `tid`.
 */
export function createIdTokenVerifier(options: { loginUrl: string; clientId: string }): {
  verify(idToken: string, nonce: string): Promise<SignedInAdmin>
} {
  const login = normalizeBaseUrl('loginUrl', options.loginUrl)
  const keySets = new LruMap<string, ReturnType<typeof createRemoteJWKSet>>(MAX_KEY_SETS)
  const keysFor = (tid: string) => {
    let keys = keySets.get(tid)
    if (keys === undefined) {
      keys = createRemoteJWKSet(new URL(`${login.origin}/${tid}/discovery/v2.0/keys`), {
        timeoutDuration: KEY_TIMEOUT_MS,
        cooldownDuration: KEY_COOLDOWN_MS,
      })
      keySets.set(tid, keys)
    }
    return keys
  }

  async function verify(idToken: string, nonce: string): Promise<SignedInAdmin> {
    let unverifiedTid: unknown
    try {
      unverifiedTid = decodeJwt(idToken).tid
    } catch {
      throw new AdminSignInError('malformed ID token', 'invalid_token')
    }
    // The tid only chooses which keys and issuer to check against; the signature then vouches for it.
    if (typeof unverifiedTid !== 'string' || !isGuid(unverifiedTid)) {
      throw new AdminSignInError('ID token without a tenant', 'invalid_token')
    }
    const tid = unverifiedTid.toLowerCase()
    let payload: JWTPayload
    try {
      ;({ payload } = await jwtVerify(idToken, keysFor(tid), {
        algorithms: ['RS256'],
        issuer: `${login.origin}/${tid}/v2.0`,
        audience: options.clientId,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['exp', 'iat', 'tid', 'oid', 'nonce'],
      }))
    } catch (err) {
      const reason =
        err instanceof joseErrors.JOSEError ? `${err.code}: ${err.message}` : 'verification failed'
      throw new AdminSignInError(`ID token rejected (${reason})`, 'invalid_token')
    }
    if (payload.nonce !== nonce) throw new AdminSignInError('ID token nonce mismatch', 'invalid_token')
    if (
      typeof payload.tid !== 'string' ||
      payload.tid.toLowerCase() !== tid ||
      typeof payload.oid !== 'string'
    ) {
      throw new AdminSignInError('ID token claims are not acceptable', 'invalid_token')
    }
    const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v.slice(0, 256) : null)
    return {
      tenantId: tid,
      oid: payload.oid,
      name: text(payload.name),
      username: text(payload.preferred_username),
      directoryRoles: directoryRolesOf(payload.wids),
    }
  }

  return { verify }
}

/** `wids` as signed: an array of GUIDs (at most a few dozen); anything else counts as absent. */
function directoryRolesOf(wids: unknown): string[] | null {
  if (!Array.isArray(wids) || wids.length > 200) return null
  if (!wids.every((id): id is string => typeof id === 'string' && isGuid(id))) return null
  return wids.map((id) => id.toLowerCase())
}

export function createAdminSignIn(options: AdminSignInOptions): AdminSignIn {
  const login = normalizeBaseUrl('loginUrl', options.loginUrl)
  const logger = options.logger ?? silentLogger
  const msal = new ConfidentialClientApplication({
    auth: {
      clientId: options.clientId,
      authority: `${login.origin}/organizations`,
      ...msalAuthorityOptions(login),
      ...msalCredential(options.credential),
    },
    system: {
      loggerOptions: {
        piiLoggingEnabled: false,
        logLevel: LogLevel.Warning,
        loggerCallback: (level, message) => {
          if (level === LogLevel.Error) logger.error({ msal: message }, 'msal error')
          else logger.warn({ msal: message }, 'msal warning')
        },
      },
    },
  })
  const idTokens = createIdTokenVerifier({ loginUrl: options.loginUrl, clientId: options.clientId })

  return {
    authorizationUrl: (request) =>
      msal.getAuthCodeUrl({
        scopes: SCOPES,
        redirectUri: options.redirectUri,
        // query (not form_post): the return is a top-level GET, which carries the SameSite=Lax binding cookie.
        responseMode: 'query',
        prompt: 'select_account',
        state: request.state,
        nonce: request.nonce,
        codeChallenge: pkceChallenge(request.codeVerifier),
        codeChallengeMethod: 'S256',
      }),

    async complete(code, request) {
      let idToken: string
      try {
        const result = await msal.acquireTokenByCode(
          {
            code,
            scopes: SCOPES,
            redirectUri: options.redirectUri,
            codeVerifier: request.codeVerifier,
            nonce: request.nonce,
            state: request.state,
          },
          { code, state: request.state },
        )
        idToken = result.idToken
        // Nothing is kept: MSAL's in-memory cache would otherwise grow with every admin who signs in.
        if (result.account) await msal.getTokenCache().removeAccount(result.account)
      } catch (err) {
        const e = err as { errorCode?: unknown }
        throw new AdminSignInError(
          `authorization code redemption failed (${typeof e.errorCode === 'string' ? e.errorCode : 'error'})`,
          'redeem_failed',
        )
      }
      return idTokens.verify(idToken, request.nonce)
    },
  }
}
