// Reads (does not verify) the claims we act on from an access token. The token comes straight from the
// identity platform over TLS and is meant for Graph, which verifies it; we only need `tid` and `roles`
// to check that consent really reached the tenant we asked for.
import { decodeJwt } from 'jose'

export interface AppTokenClaims {
  tid: string
  roles: string[]
}

export function readTokenClaims(accessToken: string): AppTokenClaims | undefined {
  let claims: Record<string, unknown>
  try {
    claims = decodeJwt(accessToken)
  } catch {
    return undefined
  }
  const tid = typeof claims['tid'] === 'string' ? claims['tid'] : ''
  const rawRoles = claims['roles']
  const roles = Array.isArray(rawRoles) ? rawRoles.filter((r): r is string => typeof r === 'string') : []
  return { tid, roles }
}
