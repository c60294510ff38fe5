// Proof that the app may manage cross-tenant access in a customer tenant. When the access token is a JWT we
// can read, its `tid` and `roles` are the proof. Microsoft tells clients not to parse Graph access tokens
// (they may be opaque or encrypted), so when ours cannot be read the proof is a Graph call that needs the
// permission: GET /policies/crossTenantAccessPolicy/default, readable with Policy.ReadWrite.CrossTenantAccess
// (or Policy.Read.All, which this app does not request). Sources: docs/microsoft-behaviour.md.
import { AccessLostError } from './errors.ts'
import type { GraphGateway } from './graph-gateway.ts'
import type { AppToken, TokenProvider } from './token-provider.ts'

export interface AccessProof {
  /** The tenant the access is for: the token's `tid`, or the tenant we asked for when the token is opaque. */
  tid: string
  /** The token's roles (empty when the token is opaque). */
  roles: string[]
  /** How access was proven. */
  via: 'token-claims' | 'graph-call'
  /** Graph request id of the proving call (`graph-call` only). */
  requestId: string | undefined
}

/**
 * Throws AccessLostError `missing_roles` with `consentPending` when the token lacks the roles or Graph
 * denies the proving call (both happen for a while after admin consent), and whatever the token provider or
 * the gateway throws otherwise.
 */
export async function proveAccess(
  tokens: Pick<TokenProvider, 'getToken'>,
  graph: Pick<GraphGateway, 'getDefaultPolicy'>,
  tenantId: string,
  opts: { forceRefresh?: boolean } = {},
): Promise<AccessProof> {
  const token: AppToken = await tokens.getToken(tenantId, { forceRefresh: opts.forceRefresh === true })
  if (token.claims === 'read') {
    if (token.missingRoles.length > 0) {
      throw new AccessLostError(`token for tenant ${tenantId} lacks ${token.missingRoles.join(', ')}`, {
        reason: 'missing_roles',
        consentPending: true,
        missingRoles: token.missingRoles,
      })
    }
    return { tid: token.tid, roles: token.roles, via: 'token-claims', requestId: undefined }
  }
  try {
    const probe = await graph.getDefaultPolicy(tenantId)
    return { tid: token.tid, roles: [], via: 'graph-call', requestId: probe.requestId }
  } catch (error) {
    if (error instanceof AccessLostError && error.reason === 'forbidden') {
      throw new AccessLostError(
        `Graph denied reading the cross-tenant access policy of tenant ${tenantId}: the permission is not (yet) effective`,
        {
          reason: 'missing_roles',
          consentPending: true,
          status: error.status,
          code: error.code,
          requestId: error.requestId,
          microsoftMessage: error.microsoftMessage,
        },
      )
    }
    throw error
  }
}
