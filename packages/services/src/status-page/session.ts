// A signed-in customer admin's session on one status link. The cookie holds a random secret; the row holds
// its hash, the identity from the verified ID token, and when it ends. The form token (CSRF) is derived from
// the secret, so it needs no storage and only the browser holding the cookie can know it.
import { timingSafeEqual } from 'node:crypto'
import { hashToken, isTokenShaped } from '@crosstrust/core'
import type { ServiceContext } from '../context.ts'

export const STATUS_SESSION_COOKIE = 'crosstrust_status_session'

export interface StatusSession {
  id: string
  linkId: string
  customerId: string
  tenantId: string
  oid: string
  username: string | null
  name: string | null
  /** The ID token's `wids`; null when the token carried no such claim. */
  directoryRoles: string[] | null
}

export type StatusSessionLookup =
  { status: 'active'; session: StatusSession } | { status: 'none' | 'expired' | 'link_revoked' }

export async function findStatusSession(
  ctx: ServiceContext,
  secret: string | undefined,
): Promise<StatusSessionLookup> {
  if (secret === undefined || !isTokenShaped(secret)) return { status: 'none' }
  const row = await ctx.db.statusSession.findUnique({
    where: { sessionHash: hashToken(secret) },
    include: {
      statusLink: {
        select: { id: true, customerId: true, revokedAt: true, customer: { select: { tenantId: true } } },
      },
    },
  })
  if (!row) return { status: 'none' }
  if (row.statusLink.revokedAt) return { status: 'link_revoked' }
  // A session was opened for the tenant the customer had then; after a re-bind it shows nothing.
  if (row.statusLink.customer.tenantId?.toLowerCase() !== row.tenantId.toLowerCase())
    return { status: 'none' }
  if (row.expiresAt.getTime() <= ctx.now().getTime()) return { status: 'expired' }
  return {
    status: 'active',
    session: {
      id: row.id,
      linkId: row.statusLink.id,
      customerId: row.statusLink.customerId,
      tenantId: row.tenantId,
      oid: row.oid,
      username: row.username,
      name: row.name,
      directoryRoles: row.directoryRolesKnown ? row.directoryRoles : null,
    },
  }
}

/** The form token of a session: a hash of its secret under a purpose label. */
export function statusCsrfToken(secret: string): string {
  return hashToken(`status-page-form:${secret}`)
}

export function statusCsrfValid(secret: string, submitted: unknown): boolean {
  if (typeof submitted !== 'string' || submitted === '') return false
  const a = Buffer.from(statusCsrfToken(secret))
  const b = Buffer.from(submitted)
  return a.length === b.length && timingSafeEqual(a, b)
}

/** Signing out ends the session server-side (the cookie alone would not). */
export async function endStatusSession(ctx: ServiceContext, secret: string | undefined): Promise<void> {
  if (secret === undefined || !isTokenShaped(secret)) return
  await ctx.db.statusSession.deleteMany({ where: { sessionHash: hashToken(secret) } })
}
