// What an admin consent request must carry before Microsoft shows anything: a known client_id, the exact
// registered redirect_uri and (v2.0) a valid scope; and the redirects back to the app, whose errors carry
// Microsoft's AADSTS description and error_uri.
import { randomUUID } from 'node:crypto'
import type { FastifyReply } from 'fastify'
import type { App, SimState } from '../state.ts'
import { aadTimestamp } from '../errors.ts'
import { GRAPH_RESOURCE } from '../graph-permissions.ts'
import { sendErrorPage } from './html.ts'

export type ConsentQuery = Record<string, string | undefined>
export type ConsentFlavor = 'v2' | 'v1'

export interface ValidConsentRequest {
  client: App
  redirectUri: string
  scope: string | undefined
  /** `.default` (or v1): all required application permissions; otherwise only the listed delegated scopes. */
  appPermissions: boolean
  delegated: string[]
}

export function redirectToApp(
  reply: FastifyReply,
  redirectUri: string,
  params: [string, string | undefined][],
): FastifyReply {
  const url = new URL(redirectUri)
  for (const [k, v] of params) if (v !== undefined) url.searchParams.append(k, v)
  return reply.redirect(url.toString(), 302)
}

/** Microsoft's error redirects carry a link to its error lookup page. */
export function errorUri(code: number): string {
  return `https://login.microsoftonline.com/error?code=${code}`
}

/** `error_description` as Microsoft writes it: the AADSTS code and message, trace and correlation ids. */
export function aadstsDescription(code: number, message: string, correlationId: string): string {
  return `AADSTS${code}: ${message}\r\nTrace ID: ${randomUUID()}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${aadTimestamp()}`
}

/** Validates the request; on failure it has already answered (error page, or redirect once redirect_uri is trusted). */
export function validateConsentRequest(
  state: SimState,
  flavor: ConsentFlavor,
  q: ConsentQuery,
  reply: FastifyReply,
  cid: string,
  tenantName: string,
): ValidConsentRequest | null {
  const fail = (code: number, msg: string): null => {
    void sendErrorPage(reply, code, msg, cid)
    return null
  }
  if (!q.client_id) return fail(900144, "The request body must contain the following parameter: 'client_id'.")
  const client = state.getApp(q.client_id)
  if (!client) {
    return fail(
      700016,
      `Application with identifier '${q.client_id}' was not found in the directory '${tenantName}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    )
  }
  if (!q.redirect_uri)
    return fail(900144, "The request body must contain the following parameter: 'redirect_uri'.")
  if (!client.redirectUris.includes(q.redirect_uri)) {
    // Microsoft never redirects to an unregistered redirect URI: the error stays on its own page.
    return fail(
      50011,
      `The redirect URI '${q.redirect_uri}' specified in the request does not match the redirect URIs configured for the application '${client.clientId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal.`,
    )
  }
  if (flavor === 'v1')
    return { client, redirectUri: q.redirect_uri, scope: undefined, appPermissions: true, delegated: [] }
  const errRedirect = (error: string, code: number, msg: string): null => {
    void redirectToApp(reply, q.redirect_uri ?? '', [
      ['admin_consent', 'True'],
      ['error', error],
      ['error_description', aadstsDescription(code, msg, cid)],
      ['state', q.state],
    ])
    return null
  }
  if (!q.scope)
    return errRedirect(
      'invalid_request',
      900144,
      "The request body must contain the following parameter: 'scope'.",
    )
  const scopes = q.scope.split(' ').filter(Boolean)
  let appPermissions = false
  const delegated: string[] = []
  for (const s of scopes) {
    if (['openid', 'profile', 'email', 'offline_access'].includes(s)) continue
    const lower = s.toLowerCase()
    if (lower === `${GRAPH_RESOURCE}/.default`) {
      appPermissions = true
      continue
    }
    if (lower.startsWith(`${GRAPH_RESOURCE}/`) && s.length > GRAPH_RESOURCE.length + 1) {
      delegated.push(s.slice(GRAPH_RESOURCE.length + 1))
      continue
    }
    return errRedirect(
      'invalid_scope',
      70011,
      `The provided value for the input parameter 'scope' is not valid. The scope ${s} is not valid.`,
    )
  }
  return { client, redirectUri: q.redirect_uri, scope: q.scope, appPermissions, delegated }
}
