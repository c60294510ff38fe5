// POST /{tenant}/oauth2/v2.0/token: checks what every grant needs (grant_type, client_id, the tenant, the
// app and its client authentication), then hands the request to its grant: client credentials (secret or
// certificate), authorization code with PKCE, refresh token. Errors use Microsoft's AADSTS codes and HTTP
// statuses.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { SimState, Tenant } from '../state.ts'
import { aadError } from '../errors.ts'
import { sendAad } from '../context.ts'
import { authenticateClient } from './client-auth.ts'
import { tenantNotFound } from './discovery.ts'
import { clientCredentialsGrant } from './client-credentials-grant.ts'
import { authorizationCodeGrant, refreshTokenGrant } from './user-grants.ts'
import { appNotFound, missingParameter } from './token-responses.ts'
import type { CheckedTokenRequest, TokenForm } from './token-responses.ts'

const MULTI = new Set(['common', 'organizations', 'consumers'])

const GRANTS: Record<string, (r: CheckedTokenRequest) => Promise<FastifyReply>> = {
  client_credentials: clientCredentialsGrant,
  authorization_code: authorizationCodeGrant,
  refresh_token: refreshTokenGrant,
}

function basicSecret(req: FastifyRequest, clientId: string | undefined): string | undefined {
  const h = req.headers.authorization
  if (!h?.toLowerCase().startsWith('basic ')) return undefined
  const [id, secret] = Buffer.from(h.slice(6), 'base64').toString('utf8').split(':')
  if (clientId && id && decodeURIComponent(id).toLowerCase() !== clientId.toLowerCase()) return undefined
  return secret === undefined ? undefined : decodeURIComponent(secret)
}

export function registerTokenEndpoint(app: FastifyInstance, state: SimState): void {
  app.post<{ Params: { tenant: string }; Body: TokenForm | undefined }>(
    '/:tenant/oauth2/v2.0/token',
    async (req, reply) => {
      // Body is undefined when the request had no form content.
      const body: TokenForm = req.body ?? {}
      const cid = req.sim.clientRequestId
      const seg = req.params.tenant
      const grant = body.grant_type
      if (!grant) return sendAad(reply, missingParameter('grant_type', cid))
      const clientIdRaw = body.client_id
      if (!clientIdRaw) return sendAad(reply, missingParameter('client_id', cid))
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
        return sendAad(reply, appNotFound(clientIdRaw, lookupTenant ?? { displayName: seg }, cid))
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

      const handle = Object.hasOwn(GRANTS, grant) ? GRANTS[grant] : undefined
      if (!handle) {
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
      }
      const { credentialType } = auth
      return handle({
        state,
        req,
        reply,
        body,
        cid,
        tenant,
        lookupTenant,
        registration,
        clientIdRaw,
        credentialType,
      })
    },
  )
}
