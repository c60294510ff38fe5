// grant_type=client_credentials: an app token for Graph (or for a registered API) in the tenant, with the
// roles its service principal holds, and Microsoft's consent-replication window (no service principal for
// a while, then a token without roles) as the tenant's settings describe it.
import type { FastifyReply } from 'fastify'
import { aadError } from '../errors.ts'
import { sendAad } from '../context.ts'
import { GRAPH_APP_ID, GRAPH_RESOURCE } from '../graph-permissions.ts'
import { issueAppToken } from './tokens.ts'
import {
  appNotFound,
  missingParameter,
  missingServicePrincipal,
  notConsented,
  tokenResponse,
} from './token-responses.ts'
import type { CheckedTokenRequest } from './token-responses.ts'

export async function clientCredentialsGrant(r: CheckedTokenRequest): Promise<FastifyReply> {
  const { state, req, reply, body, cid, registration, clientIdRaw } = r
  const t = r.lookupTenant
  const scope = body.scope
  if (!scope) return sendAad(reply, missingParameter('scope', cid))
  const scopes = scope.split(' ').filter(Boolean)
  const only = scopes[0]
  if (scopes.length !== 1 || !only?.endsWith('/.default')) {
    return sendAad(
      reply,
      aadError(
        400,
        'invalid_scope',
        1002012,
        `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
        cid,
      ),
    )
  }
  const resource = only.slice(0, -'/.default'.length).toLowerCase()
  const isGraph =
    resource === GRAPH_RESOURCE || resource === GRAPH_APP_ID || resource === 'https://graph.microsoft.com/'
  const resourceApp = isGraph
    ? undefined
    : [...state.apps.values()].find(
        (a) => a.identifierUri.toLowerCase() === resource || a.clientId === resource,
      )
  if (!isGraph && !resourceApp) {
    return sendAad(
      reply,
      aadError(
        400,
        'invalid_resource',
        500011,
        `The resource principal named ${resource} was not found in the tenant named ${t.displayName}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
        cid,
      ),
    )
  }
  const sp = t.servicePrincipals.get(registration.clientId)
  const settings = state.settingsFor(t)
  if (!sp) {
    req.sim.fault = req.sim.fault ?? 'no-service-principal'
    return sendAad(
      reply,
      settings.missingServicePrincipalErrorCode === 700016
        ? appNotFound(clientIdRaw, t, cid)
        : missingServicePrincipal(clientIdRaw, t, cid),
    )
  }
  let roles = isGraph ? sp.roles : []
  const ageSeconds = (Date.now() - sp.consentedAtMs) / 1000
  if (ageSeconds < settings.consentMissingSeconds) {
    req.sim.fault = 'consent-replication'
    const code = settings.consentMissingErrorCode
    return sendAad(
      reply,
      code === 700016
        ? appNotFound(clientIdRaw, t, cid)
        : code === 65001
          ? notConsented(clientIdRaw, registration.displayName, cid)
          : missingServicePrincipal(clientIdRaw, t, cid),
    )
  }
  if (ageSeconds < settings.consentMissingSeconds + settings.consentNoRolesSeconds) {
    req.sim.fault = 'consent-replication-no-roles'
    roles = []
  } else if (isGraph && roles.length === 0 && settings.rolesRemovedBehavior === 'aadsts65001') {
    return sendAad(reply, notConsented(clientIdRaw, registration.displayName, cid))
  }
  const audience = isGraph ? GRAPH_RESOURCE : (resourceApp?.clientId ?? resource)
  const credentialType = r.credentialType === 'certificate' ? 'certificate' : 'secret'
  const lifetime = settings.appTokenLifetimeSeconds
  const accessToken = await issueAppToken(
    state,
    t,
    registration,
    sp,
    audience,
    roles,
    credentialType,
    lifetime,
  )
  return tokenResponse(reply, {
    token_type: 'Bearer',
    expires_in: lifetime,
    ext_expires_in: lifetime,
    access_token: accessToken,
  })
}
