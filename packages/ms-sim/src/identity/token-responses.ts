// What every grant of the token endpoint shares: the request as the endpoint has checked it (tenant, app,
// client authentication), the JSON token body with Microsoft's no-store headers, and the AADSTS errors more
// than one grant can give.
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { App, SimState, Tenant } from '../state.ts'
import { aadError } from '../errors.ts'
import type { AadError } from '../errors.ts'

export type TokenForm = Record<string, string | undefined>

/** A token request whose tenant, app and client credential the endpoint has accepted. */
export interface CheckedTokenRequest {
  state: SimState
  req: FastifyRequest
  reply: FastifyReply
  body: TokenForm
  cid: string
  /** The tenant named in the path; undefined for `common`, `organizations` and `consumers`. */
  tenant: Tenant | undefined
  /** The path's tenant, or the app's home tenant when the path names none. */
  lookupTenant: Tenant
  registration: App
  /** `client_id` as sent (error messages quote it unchanged). */
  clientIdRaw: string
  credentialType: 'secret' | 'certificate' | 'none'
}

export function tokenResponse(reply: FastifyReply, body: Record<string, unknown>): FastifyReply {
  return reply
    .header('cache-control', 'no-store, no-cache')
    .header('pragma', 'no-cache')
    .header('content-type', 'application/json; charset=utf-8')
    .send(JSON.stringify(body))
}

export function missingParameter(param: string, cid: string): AadError {
  const message = `The request body must contain the following parameter: '${param}'.`
  return aadError(400, 'invalid_request', 900144, message, cid)
}

/** 400 invalid_grant: a code, refresh token or verifier the endpoint cannot redeem. */
export function invalidGrant(code: number, message: string, cid: string): AadError {
  return aadError(400, 'invalid_grant', code, message, cid)
}

export function appNotFound(clientId: string, t: Pick<Tenant, 'displayName'>, cid: string): AadError {
  const message = `Application with identifier '${clientId}' was not found in the directory '${t.displayName}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`
  return aadError(400, 'unauthorized_client', 700016, message, cid)
}

export function missingServicePrincipal(clientId: string, t: Tenant, cid: string): AadError {
  const message = `The client application ${clientId} is missing service principal in the tenant ${t.id}. See instructions here: https://go.microsoft.com/fwlink/?linkid=2225119`
  return aadError(401, 'invalid_client', 7000229, message, cid)
}

export function notConsented(clientId: string, appName: string, cid: string): AadError {
  const message = `The user or administrator has not consented to use the application with ID '${clientId}' named '${appName}'. Send an interactive authorization request for this user and resource.`
  return aadError(400, 'invalid_grant', 65001, message, cid, 'consent_required')
}
