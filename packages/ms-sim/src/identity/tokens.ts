// Issues the JWTs: app-only access tokens (client credentials) and the staff sign-in tokens (id token +
// access token for the staff API). App tokens are cached for the current second per tenant+app+roles so a
// benchmark measures the simulator's HTTP path rather than RSA signing.
import { randomBytes, randomUUID } from 'node:crypto'
import type { App, ServicePrincipal, SimState, Tenant, User } from '../state.ts'
import { GRAPH_APP_ID, GRAPH_RESOURCE } from '../graph-permissions.ts'
import { directoryRoleTemplateIds } from './directory-roles.ts'

export const TOKEN_LIFETIME_SECONDS = 3599

const appTokenCache = new WeakMap<SimState, Map<string, string>>()
let cacheSecond = 0

export function issuer(state: SimState, tenantId: string): string {
  return `${state.loginUrl}/${tenantId}/v2.0`
}

export async function issueAppToken(
  state: SimState,
  t: Tenant,
  app: App,
  sp: ServicePrincipal,
  audience: string,
  roles: string[],
  credentialType: 'secret' | 'certificate',
  lifetimeSeconds = TOKEN_LIFETIME_SECONDS,
): Promise<string> {
  const now = Math.floor(Date.now() / 1000)
  let cache = appTokenCache.get(state)
  if (!cache || cacheSecond !== now) {
    cache = new Map()
    appTokenCache.set(state, cache)
    cacheSecond = now
  }
  const key = `${t.id}|${sp.id}|${app.clientId}|${audience}|${roles.join(',')}|${credentialType}|${lifetimeSeconds}|${state.keys.activeKid}|${state.settingsFor(t).graphTokenFormat}`
  const hit = cache.get(key)
  if (hit) return hit
  const acr = credentialType === 'certificate' ? '2' : '1'
  // Graph access tokens are v1.0 tokens whatever endpoint issued them (Graph's manifest does not ask for v2):
  // issuer sts.windows.net, appid/appidacr, no azp/azpacr. Tokens for our own registered APIs stay v2.0.
  const graphV1 = audience === GRAPH_RESOURCE
  const iss = graphV1 ? v1Issuer(t.id) : issuer(state, t.id)
  const claims: Record<string, unknown> = {
    aud: audience,
    iss,
    iat: now,
    nbf: now,
    exp: now + lifetimeSeconds,
    aio: randomBytes(24).toString('base64url'),
    app_displayname: app.displayName,
    appid: app.clientId,
    appidacr: acr,
    idp: iss,
    idtyp: 'app',
    oid: sp.id,
    rh: randomBytes(16).toString('base64url'),
    sub: sp.id,
    tenant_region_scope: 'EU',
    tid: t.id,
    uti: randomBytes(16).toString('base64url'),
    ver: graphV1 ? '1.0' : '2.0',
  }
  if (!graphV1) {
    claims.azp = app.clientId
    claims.azpacr = acr
  }
  if (roles.length > 0) claims.roles = roles
  let token: string
  if (graphV1 && state.settingsFor(t).graphTokenFormat === 'opaque') {
    // Not a JWT: no dots, nothing a client could decode. Graph (here) looks the claims up.
    token = `EwB${randomBytes(48).toString('base64url')}`
    if (state.opaqueTokens.size >= 100_000) state.opaqueTokens.clear()
    state.opaqueTokens.set(token, claims)
  } else {
    token = await state.keys.sign(claims)
  }
  cache.set(key, token)
  return token
}

/** The issuer of v1.0 access tokens (Graph's), whatever cloud or endpoint version issued them. */
export function v1Issuer(tenantId: string): string {
  return `https://sts.windows.net/${tenantId}/`
}

export interface UserTokenSet {
  id_token: string
  access_token: string
  scope: string
  client_info: string
}

/** Resolves the resource a delegated scope list targets: one of our registered apps, or Graph. */
export function resolveDelegatedResource(
  state: SimState,
  scopes: string[],
): { app: App | null; scp: string[] } {
  const oidc = new Set(['openid', 'profile', 'email', 'offline_access'])
  const resourceScopes = scopes.filter((s) => !oidc.has(s))
  for (const s of resourceScopes) {
    const idx = s.lastIndexOf('/')
    if (idx <= 0) continue
    const resource = s.slice(0, idx)
    const app = [...state.apps.values()].find(
      (a) =>
        a.identifierUri.toLowerCase() === resource.toLowerCase() || a.clientId === resource.toLowerCase(),
    )
    if (app) {
      const scp = resourceScopes.map((x) => x.slice(x.lastIndexOf('/') + 1)).filter((x) => x !== '.default')
      return { app, scp: scp.length > 0 ? scp : app.exposedScopes }
    }
  }
  return {
    app: null,
    scp:
      resourceScopes.length > 0
        ? resourceScopes.map((x) => x.replace(/^https:\/\/graph\.microsoft\.com\//i, ''))
        : ['User.Read'],
  }
}

export async function issueUserTokens(
  state: SimState,
  t: Tenant,
  client: App,
  user: User,
  scopes: string[],
  nonce: string | null,
): Promise<UserTokenSet> {
  const now = Math.floor(Date.now() / 1000)
  const iss = issuer(state, t.id)
  const idClaims: Record<string, unknown> = {
    aud: client.clientId,
    iss,
    iat: now,
    nbf: now,
    exp: now + 3600,
    name: user.displayName,
    oid: user.id,
    preferred_username: user.userPrincipalName,
    email: user.userPrincipalName,
    rh: randomBytes(16).toString('base64url'),
    sid: randomUUID(),
    sub: randomBytes(24).toString('base64url'),
    tid: t.id,
    uti: randomBytes(16).toString('base64url'),
    ver: '2.0',
  }
  if (nonce) idClaims.nonce = nonce
  const clientRoles = user.appRoles[client.clientId] ?? []
  if (clientRoles.length > 0) idClaims.roles = clientRoles
  if (client.groupMembershipClaims === 'DirectoryRole' || client.groupMembershipClaims === 'All')
    idClaims.wids = directoryRoleTemplateIds(user.directoryRoles)
  const { app: resourceApp, scp } = resolveDelegatedResource(state, scopes)
  const aud = resourceApp ? resourceApp.clientId : GRAPH_APP_ID
  const atClaims: Record<string, unknown> = {
    aud: resourceApp ? aud : GRAPH_RESOURCE,
    iss,
    iat: now,
    nbf: now,
    exp: now + TOKEN_LIFETIME_SECONDS,
    azp: client.clientId,
    azpacr: client.secrets.length + client.certificates.length > 0 ? '1' : '0',
    appid: client.clientId,
    idtyp: 'user',
    name: user.displayName,
    oid: user.id,
    preferred_username: user.userPrincipalName,
    scp: scp.join(' '),
    sub: randomBytes(24).toString('base64url'),
    tid: t.id,
    uti: randomBytes(16).toString('base64url'),
    ver: '2.0',
  }
  const resourceRoles = resourceApp ? (user.appRoles[resourceApp.clientId] ?? []) : []
  if (resourceRoles.length > 0) atClaims.roles = resourceRoles
  const [id_token, access_token] = await Promise.all([state.keys.sign(idClaims), state.keys.sign(atClaims)])
  const grantedScopes = resourceApp
    ? scp.map((s) => `${resourceApp.identifierUri}/${s}`)
    : scp.map((s) => (s.includes('/') ? s : `${GRAPH_RESOURCE}/${s}`))
  return {
    id_token,
    access_token,
    scope: [
      ...grantedScopes,
      ...scopes.filter((s) => ['openid', 'profile', 'email', 'offline_access'].includes(s)),
    ].join(' '),
    client_info: Buffer.from(JSON.stringify({ uid: user.id, utid: t.id })).toString('base64url'),
  }
}
