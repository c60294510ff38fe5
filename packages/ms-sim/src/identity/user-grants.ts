// The grants that sign a user in: grant_type=authorization_code (with PKCE: S256 or plain) and
// grant_type=refresh_token. Both answer with an access token, an ID token and a new refresh token.
import { createHash, randomBytes } from 'node:crypto'
import type { FastifyReply } from 'fastify'
import { sendAad } from '../context.ts'
import { issueUserTokens, TOKEN_LIFETIME_SECONDS } from './tokens.ts'
import { invalidGrant, missingParameter, tokenResponse } from './token-responses.ts'
import type { CheckedTokenRequest } from './token-responses.ts'

export async function authorizationCodeGrant(r: CheckedTokenRequest): Promise<FastifyReply> {
  const { state, reply, body, cid, tenant, registration } = r
  const code = body.code
  if (!code) return sendAad(reply, missingParameter('code', cid))
  const entry = state.authCodes.get(code)
  if (!entry) {
    const message =
      "The provided value for the 'code' parameter is not valid. The code has expired or was already redeemed."
    return sendAad(reply, invalidGrant(70000, message, cid))
  }
  state.authCodes.delete(code)
  if (entry.expiresMs < Date.now()) {
    const message =
      'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.'
    return sendAad(reply, invalidGrant(70008, message, cid))
  }
  if (entry.clientId !== registration.clientId || (tenant && tenant.id !== entry.tenantId)) {
    return sendAad(
      reply,
      invalidGrant(70000, "The provided value for the 'code' parameter is not valid.", cid),
    )
  }
  if (body.redirect_uri !== entry.redirectUri) {
    const message = 'The redirect_uri does not match the one used in the authorization request.'
    return sendAad(reply, invalidGrant(50148, message, cid))
  }
  if (entry.codeChallenge) {
    const verifier = body.code_verifier
    if (!verifier) return sendAad(reply, missingParameter('code_verifier', cid))
    const computed =
      entry.codeChallengeMethod === 'S256'
        ? createHash('sha256').update(verifier).digest('base64url')
        : verifier
    if (computed !== entry.codeChallenge) {
      const message =
        'The Code_Verifier does not match the code_challenge supplied in the authorization request.'
      return sendAad(reply, invalidGrant(501481, message, cid))
    }
  }
  return issueForUser(r, entry.tenantId, entry.userId, entry.scope, entry.nonce)
}

export async function refreshTokenGrant(r: CheckedTokenRequest): Promise<FastifyReply> {
  const { state, reply, body, cid, registration } = r
  const rt = body.refresh_token
  if (!rt) return sendAad(reply, missingParameter('refresh_token', cid))
  const entry = state.refreshTokens.get(rt)
  if (!entry || entry.clientId !== registration.clientId) {
    return sendAad(reply, invalidGrant(9002313, 'Invalid request. Request is malformed or invalid.', cid))
  }
  return issueForUser(r, entry.tenantId, entry.userId, body.scope ?? entry.scope, null)
}

async function issueForUser(
  r: CheckedTokenRequest,
  tenantId: string,
  userId: string,
  scope: string,
  nonce: string | null,
): Promise<FastifyReply> {
  const { state, reply, cid, registration } = r
  const t = state.getTenant(tenantId)
  const user = t?.users.get(userId)
  if (!t || !user) {
    return sendAad(reply, invalidGrant(50034, 'The user account does not exist in the directory.', cid))
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
  return tokenResponse(reply, {
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
