// Authorization of Graph requests from the bearer token: signature and lifetime (401
// InvalidAuthenticationToken), audience, tenant, the live service principal (consent revoked), and the app
// roles a route needs (403 Authorization_RequestDenied).
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { SimState, Tenant } from '../state.ts'
import { GRAPH_APP_ID, GRAPH_RESOURCE } from '../graph-permissions.ts'
import { graphError } from './respond.ts'
import { v1Issuer } from '../identity/tokens.ts'
import type { VerifyResult } from '../keys.ts'

export interface GraphCaller {
  tenant: Tenant
  appId: string
  roles: string[]
  appOnly: boolean
  /** The signed-in user's object id for delegated tokens (null for app-only). */
  userId: string | null
}

const unauth = (req: FastifyRequest, reply: FastifyReply, message: string): null => {
  void graphError(
    req,
    reply.header(
      'www-authenticate',
      'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"',
    ),
    401,
    'InvalidAuthenticationToken',
    message,
  )
  return null
}

/** Returns the caller, or answers the request with the Graph error and returns null. */
export function authorize(
  state: SimState,
  req: FastifyRequest,
  reply: FastifyReply,
  anyOfRoles: string[],
): GraphCaller | null {
  const h = req.headers.authorization
  if (!h || !/^bearer\s+/i.test(h)) return unauth(req, reply, 'Access token is empty.')
  const token = h.replace(/^bearer\s+/i, '').trim()
  if (!token) return unauth(req, reply, 'Access token is empty.')
  const nowSeconds = Math.floor(Date.now() / 1000)
  const opaque = state.opaqueTokens.get(token)
  const v: VerifyResult =
    opaque === undefined
      ? state.keys.verify(token, nowSeconds)
      : typeof opaque.exp === 'number' && opaque.exp > nowSeconds
        ? { ok: true, claims: opaque }
        : { ok: false, reason: 'expired' }
  if (!v.ok) {
    if (v.reason === 'malformed')
      return unauth(
        req,
        reply,
        'IDX14100: JWT is not well formed, there are no dots (.).\nThe token needs to be in JWS or JWE Compact Serialization Format.',
      )
    if (v.reason === 'expired') return unauth(req, reply, 'Lifetime validation failed, the token is expired.')
    if (v.reason === 'not_yet_valid')
      return unauth(req, reply, 'Lifetime validation failed, the token is not yet valid.')
    return unauth(req, reply, 'Access token validation failure. Invalid signature.')
  }
  const c = v.claims
  if (c.aud !== GRAPH_RESOURCE && c.aud !== GRAPH_APP_ID && c.aud !== `${GRAPH_RESOURCE}/`) {
    return unauth(req, reply, 'Access token validation failure. Invalid audience.')
  }
  const tenant = typeof c.tid === 'string' ? state.getTenant(c.tid) : undefined
  if (!tenant) return unauth(req, reply, 'Access token validation failure. Invalid tenant.')
  // App-only Graph tokens are v1.0 (issuer sts.windows.net); delegated ones from the v2 endpoint keep v2.0.
  if (
    typeof c.iss !== 'string' ||
    (c.iss !== `${state.loginUrl}/${tenant.id}/v2.0` && c.iss !== v1Issuer(tenant.id))
  ) {
    return unauth(req, reply, 'Access token validation failure. Invalid issuer.')
  }
  const appId = typeof c.appid === 'string' ? c.appid : typeof c.azp === 'string' ? c.azp : ''
  const appOnly = c.idtyp === 'app'
  let roles = Array.isArray(c.roles) ? c.roles.map(String) : []
  if (!appOnly) roles = typeof c.scp === 'string' ? c.scp.split(' ') : []
  if (appOnly && state.settingsFor(tenant).revocationEffect === 'immediate') {
    const sp = tenant.servicePrincipals.get(appId)
    if (!sp)
      return unauth(
        req,
        reply,
        'Access token validation failure. The service principal of the application was not found in the tenant.',
      )
    roles = roles.filter((r) => sp.roles.includes(r))
  }
  req.sim.tenant = tenant.id
  req.sim.clientId = appId
  if (anyOfRoles.length > 0 && !roles.some((r) => anyOfRoles.includes(r))) {
    void graphError(
      req,
      reply,
      403,
      'Authorization_RequestDenied',
      'Insufficient privileges to complete the operation.',
    )
    return null
  }
  const userId = !appOnly && typeof c.oid === 'string' ? c.oid : null
  return { tenant, appId, roles, appOnly, userId }
}
