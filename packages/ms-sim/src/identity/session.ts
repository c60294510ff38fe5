// The simulated Microsoft sign-in session: choosing an account on the authorize page sets a cookie naming
// that account (tenant id and user id), as Microsoft's own session cookie keeps the browser signed in. The
// admin consent page reads it to know who is signed in. A browser without the cookie is treated as signed in
// as an administrator of the tenant in the URL (the simulator has no password page), so direct visits to the
// consent page keep working.
import type { FastifyRequest } from 'fastify'
import type { SimState, Tenant, User } from '../state.ts'

export const SESSION_COOKIE = 'ESTSAUTH'

export function sessionCookie(tenantId: string, userId: string): string {
  const value = Buffer.from(JSON.stringify({ tid: tenantId, oid: userId })).toString('base64url')
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax`
}

/** The account this browser signed in with, if any (an unknown or garbled cookie counts as none). */
export function signedInAccount(req: FastifyRequest, state: SimState): { tenant: Tenant; user: User } | null {
  const header = req.headers.cookie ?? ''
  const raw = header
    .split(';')
    .map((p) => p.trim())
    .find((p) => p.startsWith(`${SESSION_COOKIE}=`))
    ?.slice(SESSION_COOKIE.length + 1)
  if (!raw) return null
  try {
    const parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as {
      tid?: unknown
      oid?: unknown
    }
    if (typeof parsed.tid !== 'string' || typeof parsed.oid !== 'string') return null
    const tenant = state.tenants.get(parsed.tid)
    const user = tenant?.users.get(parsed.oid)
    return tenant && user ? { tenant, user } : null
  } catch {
    return null
  }
}

/** Directory roles that may grant tenant-wide admin consent to application permissions. */
export const CONSENT_ADMIN_ROLES = ['Global Administrator', 'Privileged Role Administrator']

export function canConsentToAppPermissions(user: User): boolean {
  return user.directoryRoles.some((r) => CONSENT_ADMIN_ROLES.includes(r))
}
