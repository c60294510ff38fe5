// Graph v1.0 partner entries: list (paged), create, get, update, delete, with Microsoft's status and error
// codes, the read-after-write lag and the 404 right after a create (state.ts), and directory audits.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Json, SimState } from '../state.ts'
import { POLICY_READ_ROLES, POLICY_WRITE_ROLES } from '../graph-permissions.ts'
import { authorize } from './auth.ts'
import type { GraphCaller } from './auth.ts'
import {
  badRequest,
  collectionPage,
  graphError,
  graphJson,
  notFound,
  odataContext,
  select,
} from './respond.ts'
import { applyPartnerPatch, emptyPartner, UNDOCUMENTED_EXTRAS } from './partner-model.ts'
import { validatePartnerBody } from './partner-validation.ts'
import { initiatorForCaller, recordPartnerChange } from './audit-recorder.ts'
import { pagePartners } from './partner-paging.ts'
import { policyChecks, semanticError } from './write-checks.ts'

const PARTNERS_PATH = 'policies/crossTenantAccessPolicy/partners'
export const PARTNERS = `/v1.0/${PARTNERS_PATH}`

function renderPartner(p: Json): Json {
  return { ...p, ...UNDOCUMENTED_EXTRAS }
}

export function registerPartnerRoutes(app: FastifyInstance, state: SimState): void {
  const ctx = (path: string): string => odataContext(state, path)

  app.get(PARTNERS, async (req, reply) => {
    const caller = authorize(state, req, reply, POLICY_READ_ROLES)
    if (!caller) return reply
    const all = state.listPartners(caller.tenant)
    const page = pagePartners(all, req.query, state.settingsFor(caller.tenant).partnersPageSize)
    if (!page.ok) return graphError(req, reply, 400, 'BadRequest', page.message)
    const value = page.items.map((p) => select(renderPartner(p), req.query))
    return graphJson(reply, 200, collectionPage(state, PARTNERS_PATH, page.nextQuery, value))
  })

  app.post(PARTNERS, async (req, reply) => {
    const caller = authorize(state, req, reply, POLICY_WRITE_ROLES)
    if (!caller) return reply
    const v = validatePartnerBody(req.body, 'create')
    if (!v.ok) return graphError(req, reply, v.error.status, v.error.code, v.error.message)
    const tid = String(v.value.tenantId)
    if (tid === caller.tenant.id)
      return badRequest(req, reply, 'A partner configuration cannot target the tenant itself.')
    const blocked = policyChecks(state, req, reply, caller.tenant, caller.appOnly, v.value)
    if (blocked) return blocked
    if (caller.tenant.partners.has(tid)) {
      return graphError(
        req,
        reply,
        409,
        'Request_MultipleObjectsWithSameKeyValue',
        'Another object with the same value for property tenantId already exists.',
      )
    }
    const created = applyPartnerPatch(emptyPartner(tid), v.value)
    const semantic = semanticError(state, caller.tenant, v.value, created)
    if (semantic) return graphError(req, reply, semantic.status, semantic.code, semantic.message)
    state.writePartner(caller.tenant, tid, created)
    state.markCreated(caller.tenant, tid)
    recordPartnerChange(
      state,
      caller.tenant,
      'partner',
      initiatorForCaller(state, caller),
      tid,
      null,
      created,
    )
    reply.header('location', `${state.graphUrl}${PARTNERS}/${tid}`)
    return graphJson(reply, 201, {
      '@odata.context': ctx('policies/crossTenantAccessPolicy/partners/$entity'),
      ...renderPartner(created),
    })
  })

  app.get<{ Params: { id: string } }>(`${PARTNERS}/:id`, async (req, reply) => {
    const caller = authorize(state, req, reply, POLICY_READ_ROLES)
    if (!caller) return reply
    const p = state.readPartner(caller.tenant, req.params.id)
    if (!p) return notFound(req, reply, req.params.id)
    return graphJson(
      reply,
      200,
      select(
        { '@odata.context': ctx('policies/crossTenantAccessPolicy/partners/$entity'), ...renderPartner(p) },
        req.query,
      ),
    )
  })

  /** The caller (with the write role) and the partner entry it writes; null once a 401/403/404 is sent. */
  const partnerToWrite = (
    req: FastifyRequest<{ Params: { id: string } }>,
    reply: FastifyReply,
  ): { caller: GraphCaller; id: string; current: Json } | null => {
    const caller = authorize(state, req, reply, POLICY_WRITE_ROLES)
    if (!caller) return null
    const id = req.params.id.toLowerCase()
    const current = caller.tenant.partners.get(id)
    // Right after a create, the replica serving this write may not have the object yet.
    if (!current || state.isStillReplicating(caller.tenant, id)) {
      void notFound(req, reply, req.params.id)
      return null
    }
    return { caller, id, current }
  }

  app.patch<{ Params: { id: string } }>(`${PARTNERS}/:id`, async (req, reply) => {
    const found = partnerToWrite(req, reply)
    if (!found) return reply
    const { caller, id, current } = found
    const v = validatePartnerBody(req.body, 'update')
    if (!v.ok) return graphError(req, reply, v.error.status, v.error.code, v.error.message)
    if (typeof v.value.tenantId === 'string' && v.value.tenantId !== id) {
      return badRequest(req, reply, "Property 'tenantId' is read-only and cannot be changed.")
    }
    const blocked = policyChecks(state, req, reply, caller.tenant, caller.appOnly, v.value)
    if (blocked) return blocked
    const updated = applyPartnerPatch(current, v.value, state.settingsFor(caller.tenant).partnerPatchNested)
    const semantic = semanticError(state, caller.tenant, v.value, updated)
    if (semantic) return graphError(req, reply, semantic.status, semantic.code, semantic.message)
    state.writePartner(caller.tenant, id, updated)
    recordPartnerChange(
      state,
      caller.tenant,
      'partner',
      initiatorForCaller(state, caller),
      id,
      current,
      updated,
    )
    return reply.code(204).send()
  })

  app.delete<{ Params: { id: string } }>(`${PARTNERS}/:id`, async (req, reply) => {
    const found = partnerToWrite(req, reply)
    if (!found) return reply
    const { caller, id, current } = found
    if (caller.tenant.graph.identitySync.has(id)) {
      // Documented: the identity synchronization policy must be deleted first. The error code is not
      // documented (switch partnerDeleteWithIdentitySyncErrorCode).
      return graphError(
        req,
        reply,
        400,
        state.settingsFor(caller.tenant).partnerDeleteWithIdentitySyncErrorCode,
        'The partner configuration has an identity synchronization policy. Delete the identity synchronization policy before deleting the partner configuration.',
      )
    }
    state.writePartner(caller.tenant, id, null)
    recordPartnerChange(state, caller.tenant, 'partner', initiatorForCaller(state, caller), id, current, null)
    return reply.code(204).send()
  })
}
