// App-only (client credentials) tokens for many customer tenants.
//
// Scale: one MSAL ConfidentialClientApplication shared by all tenants scans its whole in-memory cache on
// every lookup and every save (O(tenants)). So the cache that matters is ours: a bounded LRU Map keyed by
// tenant id (O(1) per lookup at any tenant count). MSAL is only called on a miss, with `skipCache`, through
// a small LRU of per-tenant clients (each holding at most one token), which keeps MSAL's own per-tenant
// throttle state for hot tenants. Concurrent misses for one tenant share one in-flight request.
import { randomUUID } from 'node:crypto'
import { ConfidentialClientApplication, LogLevel, type Configuration } from '@azure/msal-node'
import { msalCertificate } from './certificate.ts'
import { classifyTokenError } from './classify-token-error.ts'
import {
  AccessLostError,
  ConfigurationError,
  type MicrosoftError,
  ThrottledError,
  TransientError,
} from './errors.ts'
import { silentLogger, type MicrosoftLogger, type MicrosoftMetrics } from './logger.ts'
import { LruMap } from './lru-map.ts'
import { msalAuthorityOptions, tenantAuthority } from './msal-authority.ts'
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
  /** Tokens kept in memory (one per tenant). Default 200,000. */
  maxCachedTokens?: number
  /** MSAL clients kept (one per recently refreshed tenant). Default 1,000. */
  maxClients?: number
  /** A cached token is refreshed this long before it expires (MSAL uses 5 minutes). */
  refreshBeforeExpiryMs?: number
  /** Per token request. Default 15 s. */
  requestTimeoutMs?: number
}

export interface AppToken {
  accessToken: string
  expiresOn: Date
  /** The tenant we asked for (lower-case GUID). */
  tenantId: string
  /** The tenant the token was issued for (`tid` claim); always equals tenantId (checked). */
  tid: string
  roles: string[]
  /** Required roles the token lacks; non-empty ⇒ the token was not cached (consent still replicating?). */
  missingRoles: string[]
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
  clients: number
}

export interface TokenProvider {
  getToken(tenantId: string, opts?: { forceRefresh?: boolean }): Promise<AppToken>
  /** Drops the cached token of one tenant (e.g. after Graph said 401). */
  invalidate(tenantId: string): void
  stats(): TokenProviderStats
}

interface TenantClient {
  cca: ConfidentialClientApplication
  /** While set and in the future, MSAL's throttle cache would refuse anyway: fail fast with this error. */
  pausedUntil: number
  pauseError: MicrosoftError | undefined
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
  const network = new MsalNetworkClient(options.requestTimeoutMs ?? 15_000)
  const authorityOptions = msalAuthorityOptions(login)
  const credentialAuth = msalCredential(options.credential)

  const tokens = new LruMap<string, AppToken>(options.maxCachedTokens ?? 200_000)
  const clients = new LruMap<string, TenantClient>(options.maxClients ?? 1_000)
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

  function clientFor(tenantId: string): TenantClient {
    const existing = clients.get(tenantId)
    if (existing !== undefined) return existing
    const created: TenantClient = {
      cca: new ConfidentialClientApplication({
        auth: {
          clientId: options.clientId,
          authority: tenantAuthority(login, tenantId),
          ...authorityOptions,
          ...credentialAuth,
        },
        system: { networkClient: network, loggerOptions: msalLogger },
      }),
      pausedUntil: 0,
      pauseError: undefined,
    }
    clients.set(tenantId, created)
    return created
  }

  async function acquire(tenantId: string): Promise<AppToken> {
    const client = clientFor(tenantId)
    const now = Date.now()
    if (client.pausedUntil > now && client.pauseError !== undefined) {
      const e = client.pauseError
      const details = {
        status: e.status,
        code: e.code,
        aadstsCodes: e.aadstsCodes,
        requestId: e.requestId,
        microsoftMessage: e.microsoftMessage,
        retryAfterMs: client.pausedUntil - now,
      }
      // Same answer MSAL's throttle cache would give, but with our error type and the remaining wait.
      throw e.kind === 'throttled'
        ? new ThrottledError(e.message, details)
        : new TransientError(e.message, details)
    }
    const correlationId = randomUUID()
    const started = performance.now()
    let result
    try {
      result = await client.cca.acquireTokenByClientCredential({
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
        client.pausedUntil = Date.now() + msalThrottleMs(meta.retryAfterMs)
        client.pauseError = classified
      }
      logger.warn({ tenantId, err: classified.toLog() }, 'token request failed')
      throw classified
    } finally {
      network.forget(correlationId)
      metrics?.observe('microsoft_token_request_ms', performance.now() - started)
    }
    if (result === null) throw new TransientError(`token endpoint returned no token for tenant ${tenantId}`)
    const claims = readTokenClaims(result.accessToken)
    if (claims === undefined) {
      throw new ConfigurationError(`the access token for tenant ${tenantId} is not a JWT (wrong scope?)`)
    }
    // result.tenantId is empty for client credentials; the token's own tid is the truth.
    if (claims.tid.toLowerCase() !== tenantId) {
      throw new AccessLostError(`token was issued for tenant ${claims.tid || '(none)'}, not ${tenantId}`, {
        reason: 'tenant_mismatch',
      })
    }
    const expiresOn = result.expiresOn ?? new Date(Date.now() + 60 * 60_000)
    const missingRoles = requiredRoles.filter((r) => !claims.roles.includes(r))
    const token: AppToken = {
      accessToken: result.accessToken,
      expiresOn,
      tenantId,
      tid: claims.tid.toLowerCase(),
      roles: claims.roles,
      missingRoles,
    }
    if (missingRoles.length === 0) tokens.set(tenantId, token)
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
        const cached = tokens.get(tenantId)
        if (cached !== undefined && cached.expiresOn.getTime() - Date.now() > refreshBeforeExpiryMs) {
          counters.cacheHits += 1
          metrics?.increment('microsoft_token_cache', { result: 'hit' })
          return Promise.resolve(cached)
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
        clients: clients.size,
      }
    },
  }
}
