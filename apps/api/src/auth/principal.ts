import type { FastifyRequest } from 'fastify'
import { staffRoles, type Role } from './roles.ts'

/** The signed-in staff member a request acts for, from a bearer token or the dashboard session. */
export interface Principal {
  /** Entra object id of the user (or service principal for app-only tokens). */
  oid: string
  tid: string
  name: string
  username: string
  roles: Role[]
  via: 'bearer' | 'session'
}

export interface AuditActor {
  actorType: 'staff'
  actorId: string
  actorName: string
}

/** Who to record in the audit trail for a staff request; throws on a route that is not authenticated. */
export function auditActor(request: FastifyRequest): AuditActor {
  const p = request.principal
  if (!p)
    throw new Error('auditActor called for an unauthenticated request (route policy must require a role)')
  return { actorType: 'staff', actorId: p.oid, actorName: p.name || p.username || p.oid }
}

/** The principal a validated token (access or id token) describes. */
export function principalFromClaims(claims: Record<string, unknown>, via: Principal['via']): Principal {
  const str = (v: unknown) => (typeof v === 'string' ? v : '')
  return {
    oid: str(claims.oid).toLowerCase(),
    tid: str(claims.tid).toLowerCase(),
    name: str(claims.name) || str(claims.app_displayname),
    username: str(claims.preferred_username) || str(claims.upn) || str(claims.unique_name),
    roles: staffRoles(claims.roles),
    via,
  }
}
