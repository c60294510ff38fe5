// What every control route shares: problem+json answers, body parsing with zod, the tenant a
// `/_sim/tenants/:tenantId/…` route names (looked up once, in a hook, 404 when unknown) and the administrator
// an edit is attributed to.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { SimState, Tenant } from '../state.ts'
import { initiatorForTenantUser } from '../graph/audit-recorder.ts'
import type { AuditInitiator } from '../graph/directory-audit.ts'

export function problem(reply: FastifyReply, status: number, detail: string): FastifyReply {
  return reply
    .code(status)
    .type('application/problem+json')
    .send({ title: status === 404 ? 'Not Found' : 'Bad Request', status, detail })
}

export function parse<T>(schema: z.ZodType<T>, body: unknown, reply: FastifyReply): T | null {
  const r = schema.safeParse(body ?? {})
  if (!r.success) {
    void problem(reply, 400, z.prettifyError(r.error))
    return null
  }
  return r.data
}

const tenantOfRequest = new WeakMap<FastifyRequest, Tenant>()

/** Resolves `:tenantId` (id or verified domain) for every `/_sim/tenants/:tenantId/…` route; unknown ⇒ 404. */
export function registerTenantLookup(app: FastifyInstance, state: SimState): void {
  app.addHook('preHandler', async (req, reply) => {
    const tenantId = (req.params as { tenantId?: unknown } | undefined)?.tenantId
    if (typeof tenantId !== 'string' || !req.url.startsWith('/_sim/tenants/')) return
    const t = state.resolveTenant(tenantId)
    if (!t) return problem(reply, 404, `unknown tenant ${tenantId}`)
    tenantOfRequest.set(req, t)
  })
}

/** The tenant of a `/_sim/tenants/:tenantId/…` request (registerTenantLookup answered 404 if there is none). */
export function tenantOf(req: FastifyRequest): Tenant {
  const t = tenantOfRequest.get(req)
  if (!t) throw new Error(`no tenant resolved for ${req.url}`)
  return t
}

/** The administrator an edit is attributed to in the directory audit log (`?actor=` id or UPN). */
export function actorOr400(
  t: Tenant,
  req: { query: { actor?: string } },
  reply: FastifyReply,
): AuditInitiator | null {
  const who = initiatorForTenantUser(t, req.query.actor)
  if (!who) void problem(reply, 400, `no user ${req.query.actor ?? ''} in tenant ${t.id}`)
  return who
}
