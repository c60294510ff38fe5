// App-only (client credentials) tokens for many customer tenants.
//
// Scale: the cache that matters is ours, a bounded LRU keyed by tenant id that evicts at expiry
// (token-cache.ts; O(1) per lookup at any tenant count). MSAL is only called on a miss: ONE
// ConfidentialClientApplication for every tenant, with the tenant's authority per request and `skipCache`.
// Constructing a client per tenant costs far more CPU than the request itself (packages/microsoft/README.md,
// "Token path options"), and a fleet checked every 6 h with 1 h tokens misses on nearly every check. MSAL's
// own cache would grow by one token per tenant and scan itself on every save (O(tenants)), so it is emptied
// after each request; its throttle state goes with it, which is why the per-tenant pause after a 429/5xx
// is ours (`pauses`). Concurrent misses for one tenant share one in-flight request.
import { randomUUID } from 'node:crypto'
import { ConfidentialClientApplication, LogLevel, type Configuration } from '@azure/msal-node'
import { msalCertificate } from './certificate.ts'
import { classifyTokenError } from './classify-token-error.ts'
import { AccessLostError, type MicrosoftError, ThrottledError, TransientError } from './errors.ts'
import { silentLogger, type MicrosoftLogger, type MicrosoftMetrics } from './logger.ts'
import { LruMap } from './lru-map.ts'
import { TokenCache } from './token-cache.ts'
import { msalAuthorityOptions, tenantAuthority } from './msal-authority.ts'
import { createConnectionPool, type ConnectionPoolOptions } from './connection-pool.ts'
import { MsalNetworkClient } from './msal-network-client.ts'
import { readTokenClaims } from './token-claims.ts'
import { isGuid, normalizeBaseUrl } from './urls.ts'

export const GRAPH_DEFAULT_SCOPE = 'https://graph.microsoft.com/.default'
/** The Graph application permission the partner policy needs (read and write). */
export const POLICY_WRITE_ROLE = 'Policy.ReadWrite.CrossTenantAccess'

export type ClientCredential =
  { kind: 'secret'; secret: string } | { kind: 'certificate'; certificatePem: string; privateKeyPem: string }

/** The partner app's credential in MSAL's shape (a secret, or a certificate sent as a signed assertion). */
export function msalCredential(
  credential: ClientCredential,
): Pick<Configuration['auth'], 'clientSecret' | 'clientCertificate'> {
  return credential.kind === 'secret'
    ? { clientSecret: credential.secret }
    : { clientCertificate: msalCertificate(credential.certificatePem, credential.privateKeyPem) }
}

export interface TokenProviderOptions {
  loginUrl: string
  clientId: string
  credential: ClientCredential
  /** Graph app roles a token must carry to be cached (default: Policy.ReadWrite.CrossTenantAccess). */
  requiredRoles?: string[]
  scope?: string
  logger?: MicrosoftLogger
  metrics?: MicrosoftMetrics
  /**
   * Tokens kept in memory (one per tenant; least recently used evicted first). Default 1,000: a token is
   * reused while the same check, repair or onboarding still runs (seconds to minutes); a scheduled check of
   * a large fleet never meets its token again (6-hour interval, 1-hour token), so a bigger cache mostly
   * holds dead tokens in a capped heap (at 30,000 tenants a bound of 20,000 made the worker spend 30 % of
   * its CPU in the garbage collector; BENCHMARKS.md says how that and the smaller bound's effect on the peak
   * RSS were measured). The price of a small bound: while a sweep
   * checks about 400 tenants a second, a token unused for 2.5 s is evicted, so an onboarding that waits out
   * a 5 s retry asks for a new one. An evicted token costs one more token request, nothing else.
   */
  maxCachedTokens?: number
  /** Tenants whose throttle pause is remembered (most recent first). Default 10,000. */
  maxPausedTenants?: number
  /** How often expired tokens are swept out of the cache. Default 60 s; 0 = only on lookup. */
  expirySweepIntervalMs?: number
  /** The clock (epoch ms). Default Date.now. */
  now?: () => number
  /**
   * A cached token is refreshed this long before it expires (MSAL uses 5 minutes), or after 90 % of its
   * lifetime when that comes first (short-lived tokens stay cached for most of their life).
   */
  refreshBeforeExpiryMs?: number
  /** Per token request. Default 15 s. */
  requestTimeoutMs?: number
  /** The keep-alive pool of token requests (connection-pool.ts); defaults apply when absent. */
  connections?: ConnectionPoolOptions
}

export interface AppToken {
  accessToken: string
  expiresOn: Date
  /** The tenant we asked for (lower-case GUID). */
  tenantId: string
  /**
   * The tenant the token was issued for: its `tid` claim (checked to equal tenantId), or tenantId itself when
   * the token is opaque.
   */
  tid: string
  /** The token's `roles` claim; empty when the token is opaque. */
  roles: string[]
  /** Required roles the token lacks; non-empty ⇒ the token was not cached (consent still replicating?). */
  missingRoles: string[]
  /**
   * `read`: tid and roles come from the token. `opaque`: the token is not a JWT we can read (Microsoft tells
   * clients not to parse Graph tokens), so nothing is known from it; prove access with a Graph call
   * (`proveAccess`).
   */
  claims: 'read' | 'opaque'
}

export interface TokenProviderStats {
  cacheHits: number
  cacheMisses: number
  /** Callers that joined an already running request for the same tenant. */
  inFlightJoins: number
  /** Token POSTs that left the process (what the identity platform saw). */
  networkRequests: number
  failures: number
  cachedTokens: number
  /** Cached tokens dropped because they expired. */
  expiredEvictions: number
  /** Tenants currently remembered as paused after a 429/5xx. */
  pausedTenants: number
}

export interface TokenProvider {
  getToken(tenantId: string, opts?: { forceRefresh?: boolean }): Promise<AppToken>
  /** Drops the cached token of one tenant (e.g. after Graph said 401). */
  invalidate(tenantId: string): void
  stats(): TokenProviderStats
}

/** After a 429/5xx, MSAL's throttle rule would refuse this tenant until `until`: we fail fast instead. */
interface TenantPause {
  until: number
  error: MicrosoftError
}

/** MSAL's own rule (ThrottlingUtils): Retry-After seconds, or 60 s when absent/0, at most an hour. */
function msalThrottleMs(retryAfterMs: number | undefined): number {
  if (retryAfterMs === undefined || retryAfterMs <= 0) return 60_000
  return Math.min(retryAfterMs, 3_600_000)
}

export function createTokenProvider(options: TokenProviderOptions): TokenProvider {
  const login = normalizeBaseUrl('loginUrl', options.loginUrl)
  const logger = options.logger ?? silentLogger
  const metrics = options.metrics
  const requiredRoles = options.requiredRoles ?? [POLICY_WRITE_ROLE]
  const scope = options.scope ?? GRAPH_DEFAULT_SCOPE
  const refreshBeforeExpiryMs = options.refreshBeforeExpiryMs ?? 5 * 60_000
  const pool = createConnectionPool(options.connections)
  const network = new MsalNetworkClient(options.requestTimeoutMs ?? 15_000, pool)
  const authorityOptions = msalAuthorityOptions(login)
  const credentialAuth = msalCredential(options.credential)

  const now = options.now ?? Date.now
  const tokens = new TokenCache<AppToken>(options.maxCachedTokens ?? 1_000)
  const pauses = new LruMap<string, TenantPause>(options.maxPausedTenants ?? 10_000)
  const sweepEveryMs = options.expirySweepIntervalMs ?? 60_000
  if (sweepEveryMs > 0) setInterval(() => tokens.evictExpired(now()), sweepEveryMs).unref()
  const inFlight = new Map<string, Promise<AppToken>>()
  const counters = { cacheHits: 0, cacheMisses: 0, inFlightJoins: 0, failures: 0 }

  const msalLogger = {
    loggerCallback(level: LogLevel, message: string, containsPii: boolean): void {
      if (containsPii) return
      // "No client info in response" is expected for client credentials.
      if (message.includes('No client info')) return
      if (level === LogLevel.Error) logger.error({ msal: message }, 'msal error')
      else logger.warn({ msal: message }, 'msal warning')
    },
    piiLoggingEnabled: false,
    logLevel: LogLevel.Warning,
  }

  // One client for every tenant; the authority is per request (see the header).
  const msal = new ConfidentialClientApplication({
    auth: {
      clientId: options.clientId,
      authority: tenantAuthority(login, 'organizations'),
      ...authorityOptions,
      ...credentialAuth,
    },
    system: { networkClient: network, loggerOptions: msalLogger },
  })

  async function acquire(tenantId: string): Promise<AppToken> {
    const pause = pauses.peek(tenantId)
    const startedAt = now()
    if (pause !== undefined && pause.until > startedAt) {
      const e = pause.error
      const details = {
        status: e.status,
        code: e.code,
        aadstsCodes: e.aadstsCodes,
        requestId: e.requestId,
        microsoftMessage: e.microsoftMessage,
        retryAfterMs: pause.until - startedAt,
      }
      // Same answer MSAL's throttle cache would give, but with our error type and the remaining wait.
      throw e.kind === 'throttled'
        ? new ThrottledError(e.message, details)
        : new TransientError(e.message, details)
    }
    if (pause !== undefined) pauses.delete(tenantId)
    const correlationId = randomUUID()
    const started = performance.now()
    let result
    try {
      result = await msal.acquireTokenByClientCredential({
        scopes: [scope],
        authority: tenantAuthority(login, tenantId),
        correlationId,
        // Our LRU is the cache; MSAL's would only return a token we decided not to keep.
        skipCache: true,
      })
    } catch (error) {
      const meta = network.take(correlationId)
      const classified = classifyTokenError(error, tenantId, meta)
      if (meta !== undefined && (meta.status === 429 || meta.status >= 500)) {
        pauses.set(tenantId, { until: now() + msalThrottleMs(meta.retryAfterMs), error: classified })
      }
      logger.warn({ tenantId, err: classified.toLog() }, 'token request failed')
      throw classified
    } finally {
      network.forget(correlationId)
      // Our cache keeps the token; MSAL's would only grow (and be scanned on every save).
      msal.clearCache()
      metrics?.observe('microsoft_token_request_ms', performance.now() - started)
    }
    if (result === null) throw new TransientError(`token endpoint returned no token for tenant ${tenantId}`)
    const expiresOn = result.expiresOn ?? new Date(now() + 60 * 60_000)
    const claims = readTokenClaims(result.accessToken)
    let token: AppToken
    if (claims === undefined) {
      // Opaque to us: the tenant is the one whose authority issued it; Graph decides what it may do.
      token = {
        accessToken: result.accessToken,
        expiresOn,
        tenantId,
        tid: tenantId,
        roles: [],
        missingRoles: [],
        claims: 'opaque',
      }
    } else {
      // result.tenantId is empty for client credentials; the token's own tid is the truth.
      if (claims.tid.toLowerCase() !== tenantId) {
        throw new AccessLostError(`token was issued for tenant ${claims.tid || '(none)'}, not ${tenantId}`, {
          reason: 'tenant_mismatch',
        })
      }
      token = {
        accessToken: result.accessToken,
        expiresOn,
        tenantId,
        tid: claims.tid.toLowerCase(),
        roles: claims.roles,
        missingRoles: requiredRoles.filter((r) => !claims.roles.includes(r)),
        claims: 'read',
      }
    }
    const missingRoles = token.missingRoles
    const expiresAt = expiresOn.getTime()
    const lifetimeMs = Math.max(0, expiresAt - now())
    const refreshAt = expiresAt - Math.min(refreshBeforeExpiryMs, lifetimeMs / 10)
    if (missingRoles.length === 0) tokens.set(tenantId, { token, refreshAt, expiresAt })
    else logger.info({ tenantId, missingRoles }, 'token lacks required roles; not cached')
    return token
  }

  return {
    getToken(rawTenantId, opts) {
      if (!isGuid(rawTenantId)) {
        return Promise.reject(new TypeError('getToken needs a tenant id (GUID); resolve domains first'))
      }
      const tenantId = rawTenantId.toLowerCase()
      if (opts?.forceRefresh !== true) {
        const cached = tokens.fresh(tenantId, now())
        if (cached !== undefined) {
          counters.cacheHits += 1
          metrics?.increment('microsoft_token_cache', { result: 'hit' })
          return Promise.resolve(cached.token)
        }
      } else {
        tokens.delete(tenantId)
      }
      const running = inFlight.get(tenantId)
      if (running !== undefined) {
        // A running request is at least as fresh as a forced one would be.
        counters.inFlightJoins += 1
        return running
      }
      counters.cacheMisses += 1
      metrics?.increment('microsoft_token_cache', { result: 'miss' })
      const request = acquire(tenantId)
        .catch((error: unknown) => {
          counters.failures += 1
          throw error
        })
        .finally(() => inFlight.delete(tenantId))
      inFlight.set(tenantId, request)
      return request
    },
    invalidate(tenantId) {
      tokens.delete(tenantId.toLowerCase())
    },
    stats() {
      return {
        ...counters,
        networkRequests: network.requests,
        cachedTokens: tokens.size,
        expiredEvictions: tokens.expiredEvictions,
        pausedTenants: pauses.size,
      }
    },
  }
}
