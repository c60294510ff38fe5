// POST /{tenant}/oauth2/v2.0/token: client credentials (secret or certificate), authorization code with
// PKCE, refresh token. Errors use Microsoft's AADSTS codes and HTTP statuses.
import { createHash, randomBytes } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { SimState, Tenant } from '../state.ts'
import { aadError } from '../errors.ts'
import type { AadError } from '../errors.ts'
import { sendAad } from '../context.ts'
import { authenticateClient } from './client-auth.ts'
import { issueAppToken, issueUserTokens, TOKEN_LIFETIME_SECONDS } from './tokens.ts'
import { GRAPH_APP_ID, GRAPH_RESOURCE } from '../graph-permissions.ts'
import { tenantNotFound } from './discovery.ts'

type Form = Record<string, string | undefined>

const MULTI = new Set(['common', 'organizations', 'consumers'])

function basicSecret(req: FastifyRequest, clientId: string | undefined): string | undefined {
  const h = req.headers.authorization
  if (!h?.toLowerCase().startsWith('basic ')) return undefined
  const [id, secret] = Buffer.from(h.slice(6), 'base64').toString('utf8').split(':')
  if (clientId && id && decodeURIComponent(id).toLowerCase() !== clientId.toLowerCase()) return undefined
  return secret === undefined ? undefined : decodeURIComponent(secret)
}

function missing(param: string, cid: string): AadError {
  return aadError(
    400,
    'invalid_request',
    900144,
    `The request body must contain the following parameter: '${param}'.`,
    cid,
  )
}

function appNotFound(clientId: string, t: Tenant, cid: string): AadError {
  return aadError(
    400,
    'unauthorized_client',
    700016,
    `Application with identifier '${clientId}' was not found in the directory '${t.displayName}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    cid,
  )
}

function missingSp(clientId: string, t: Tenant, cid: string): AadError {
  return aadError(
    401,
    'invalid_client',
    7000229,
    `The client application ${clientId} is missing service principal in the tenant ${t.id}. See instructions here: https://go.microsoft.com/fwlink/?linkid=2225119`,
    cid,
  )
}

function notConsented(clientId: string, appName: string, cid: string): AadError {
  return aadError(
    400,
    'invalid_grant',
    65001,
    `The user or administrator has not consented to use the application with ID '${clientId}' named '${appName}'. Send an interactive authorization request for this user and resource.`,
    cid,
    'consent_required',
  )
}

function tokenResponse(reply: FastifyReply, body: Record<string, unknown>): FastifyReply {
  return reply
    .header('cache-control', 'no-store, no-cache')
    .header('pragma', 'no-cache')
    .header('content-type', 'application/json; charset=utf-8')
    .send(JSON.stringify(body))
}

export function registerTokenEndpoint(app: FastifyInstance, state: SimState): void {
  app.post<{ Params: { tenant: string }; Body: Form | undefined }>(
    '/:tenant/oauth2/v2.0/token',
    async (req, reply) => {
      // Body is undefined when the request had no form content.
      const body: Form = req.body ?? {}
      const cid = req.sim.clientRequestId
      const seg = req.params.tenant
      const grant = body.grant_type
      if (!grant) return sendAad(reply, missing('grant_type', cid))
      const clientIdRaw = body.client_id
      if (!clientIdRaw) return sendAad(reply, missing('client_id', cid))
      const clientId = clientIdRaw.toLowerCase()

      let tenant: Tenant | undefined
      if (MULTI.has(seg.toLowerCase())) {
        if (grant === 'client_credentials') {
          return sendAad(
            reply,
            aadError(
              400,
              'invalid_request',
              50059,
              'No tenant-identifying information found in either the request or implied by any provided credentials.',
              cid,
            ),
          )
        }
      } else {
        tenant = state.resolveTenant(seg)
        if (!tenant) {
          const err = tenantNotFound(seg, cid)
          err.body.error = 'invalid_request'
          return sendAad(reply, err)
        }
      }

      const registration = state.getApp(clientId)
      const lookupTenant = tenant ?? (registration ? state.getTenant(registration.homeTenantId) : undefined)
      if (!registration || !lookupTenant) {
        return sendAad(reply, appNotFound(clientIdRaw, lookupTenant ?? ({ displayName: seg } as Tenant), cid))
      }
      if (
        registration.signInAudience === 'AzureADMyOrg' &&
        tenant &&
        tenant.id !== registration.homeTenantId
      ) {
        return sendAad(reply, appNotFound(clientIdRaw, tenant, cid))
      }

      const endpointOk = (aud: string): boolean => {
        const m = /^(https:\/\/[^/]+)\/([^/]+)\/oauth2\/v2\.0\/token\/?(?:\?.*)?$/i.exec(aud)
        if (!m?.[1] || !m[2] || m[1].toLowerCase() !== state.loginUrl.toLowerCase()) return false
        if (MULTI.has(m[2].toLowerCase())) return true
        return state.resolveTenant(m[2])?.id === lookupTenant.id
      }
      const auth = authenticateClient(
        registration,
        body,
        basicSecret(req, clientId),
        endpointOk,
        grant !== 'client_credentials' &&
          registration.secrets.length + registration.certificates.length === 0,
      )
      if (!auth.ok) return sendAad(reply, aadError(auth.status, auth.error, auth.code, auth.message, cid))

      if (grant === 'client_credentials') {
        const t = lookupTenant
        const scope = body.scope
        if (!scope) return sendAad(reply, missing('scope', cid))
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
          resource === GRAPH_RESOURCE ||
          resource === GRAPH_APP_ID ||
          resource === 'https://graph.microsoft.com/'
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
              : missingSp(clientIdRaw, t, cid),
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
                : missingSp(clientIdRaw, t, cid),
          )
        }
        if (ageSeconds < settings.consentMissingSeconds + settings.consentNoRolesSeconds) {
          req.sim.fault = 'consent-replication-no-roles'
          roles = []
        } else if (isGraph && roles.length === 0 && settings.rolesRemovedBehavior === 'aadsts65001') {
          return sendAad(reply, notConsented(clientIdRaw, registration.displayName, cid))
        }
        const audience = isGraph ? GRAPH_RESOURCE : (resourceApp?.clientId ?? resource)
        const credentialType = auth.credentialType === 'certificate' ? 'certificate' : 'secret'
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

      if (grant === 'authorization_code') {
        const code = body.code
        if (!code) return sendAad(reply, missing('code', cid))
        const entry = state.authCodes.get(code)
        if (!entry) {
          return sendAad(
            reply,
            aadError(
              400,
              'invalid_grant',
              70000,
              "The provided value for the 'code' parameter is not valid. The code has expired or was already redeemed.",
              cid,
            ),
          )
        }
        state.authCodes.delete(code)
        if (entry.expiresMs < Date.now()) {
          return sendAad(
            reply,
            aadError(
              400,
              'invalid_grant',
              70008,
              'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.',
              cid,
            ),
          )
        }
        if (entry.clientId !== registration.clientId || (tenant && tenant.id !== entry.tenantId)) {
          return sendAad(
            reply,
            aadError(
              400,
              'invalid_grant',
              70000,
              "The provided value for the 'code' parameter is not valid.",
              cid,
            ),
          )
        }
        if (body.redirect_uri !== entry.redirectUri) {
          return sendAad(
            reply,
            aadError(
              400,
              'invalid_grant',
              50148,
              'The redirect_uri does not match the one used in the authorization request.',
              cid,
            ),
          )
        }
        if (entry.codeChallenge) {
          const verifier = body.code_verifier
          if (!verifier) return sendAad(reply, missing('code_verifier', cid))
          const computed =
            entry.codeChallengeMethod === 'S256'
              ? createHash('sha256').update(verifier).digest('base64url')
              : verifier
          if (computed !== entry.codeChallenge) {
            return sendAad(
              reply,
              aadError(
                400,
                'invalid_grant',
                501481,
                'The Code_Verifier does not match the code_challenge supplied in the authorization request.',
                cid,
              ),
            )
          }
        }
        return issueForUser(reply, entry.tenantId, entry.userId, entry.scope, entry.nonce)
      }

      if (grant === 'refresh_token') {
        const rt = body.refresh_token
        if (!rt) return sendAad(reply, missing('refresh_token', cid))
        const entry = state.refreshTokens.get(rt)
        if (!entry || entry.clientId !== registration.clientId) {
          return sendAad(
            reply,
            aadError(400, 'invalid_grant', 9002313, 'Invalid request. Request is malformed or invalid.', cid),
          )
        }
        return issueForUser(reply, entry.tenantId, entry.userId, body.scope ?? entry.scope, null)
      }

      return sendAad(
        reply,
        aadError(
          400,
          'unsupported_grant_type',
          70003,
          `The app requested an unsupported grant type '${grant}'.`,
          cid,
        ),
      )

      async function issueForUser(
        r: FastifyReply,
        tenantId: string,
        userId: string,
        scope: string,
        nonce: string | null,
      ): Promise<FastifyReply> {
        const t = state.getTenant(tenantId)
        const user = t?.users.get(userId)
        if (!t || !user || !registration) {
          return sendAad(
            r,
            aadError(400, 'invalid_grant', 50034, 'The user account does not exist in the directory.', cid),
          )
        }
        const scopes = scope.split(' ').filter(Boolean)
        const set = await issueUserTokens(state, t, registration, user, scopes, nonce)
        const refresh = randomBytes(32).toString('base64url')
        if (state.refreshTokens.size > 50_000) state.refreshTokens.clear()
        state.refreshTokens.set(refresh, {
          tenantId: t.id,
          clientId: registration.clientId,
          userId: user.id,
          scope,
          nonce: null,
        })
        return tokenResponse(r, {
          token_type: 'Bearer',
          scope: set.scope,
          expires_in: TOKEN_LIFETIME_SECONDS,
          ext_expires_in: TOKEN_LIFETIME_SECONDS,
          access_token: set.access_token,
          refresh_token: refresh,
          id_token: set.id_token,
          client_info: set.client_info,
        })
      }
    },
  )
}
