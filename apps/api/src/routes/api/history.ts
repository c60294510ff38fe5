import {
  auditListQuerySchema,
  getRun,
  listAuditEvents,
  listRuns,
  requireCustomer,
  runListQuerySchema,
  verifyAuditChain,
} from '@crosstrust/services'
import {
  auditChainVerificationSchema,
  auditEventSchema,
  auditVerifyQuerySchema,
  idParams,
  pageOf,
  runDetailSchema,
  runSummarySchema,
  withProblems,
} from './schemas.ts'
import type { StaffApi, StaffApiDeps } from './deps.ts'

/** Check runs and the audit trail, across customers or for one customer (keyset pagination). */
export function historyApiRoutes(r: StaffApi, { ctx }: StaffApiDeps) {
  const runsPage = { 200: pageOf(runSummarySchema) }
  const auditPage = { 200: pageOf(auditEventSchema) }

  r.get(
    '/api/v1/runs',
    {
      schema: {
        tags: ['runs'],
        summary: 'Check runs, newest first (filter by customer, kind, outcome)',
        querystring: runListQuerySchema.strict(),
        response: withProblems(runsPage, [400]),
      },
    },
    async (request) => listRuns(ctx.db, request.query),
  )

  r.get(
    '/api/v1/runs/:id',
    {
      schema: {
        tags: ['runs'],
        summary: 'One run with its before/after and observed snapshot',
        params: idParams,
        response: withProblems({ 200: runDetailSchema }, [400, 404]),
      },
    },
    async (request) => getRun(ctx.db, request.params.id),
  )

  r.get(
    '/api/v1/customers/:id/runs',
    {
      schema: {
        tags: ['runs'],
        summary: "A customer's runs, newest first",
        params: idParams,
        querystring: runListQuerySchema.omit({ customerId: true }).strict(),
        response: withProblems(runsPage, [400, 404]),
      },
    },
    async (request) => {
      await requireCustomer(ctx, request.params.id)
      return listRuns(ctx.db, { ...request.query, customerId: request.params.id })
    },
  )

  r.get(
    '/api/v1/audit-events',
    {
      schema: {
        tags: ['audit'],
        summary: 'The audit trail, newest first (filter by customer, action or action family, actor)',
        querystring: auditListQuerySchema.strict(),
        response: withProblems(auditPage, [400]),
      },
    },
    async (request) => listAuditEvents(ctx.db, request.query),
  )

  r.get(
    '/api/v1/audit/verify',
    {
      schema: {
        tags: ['audit'],
        summary:
          'Verify the audit hash chain: its length and head hash, or the first broken link; with `anchor` (a head recorded earlier) also deleted newest rows and a recomputed chain',
        querystring: auditVerifyQuerySchema,
        response: withProblems({ 200: auditChainVerificationSchema }, [400]),
      },
    },
    async (request) => {
      const [seq, hash] = request.query.anchor?.split(':') ?? []
      const result = await verifyAuditChain(
        ctx.db,
        seq !== undefined && hash !== undefined ? { anchor: { seq, hash } } : {},
      )
      // The head hash in the log is an anchor outside the database: a later chain that does not contain
      // it was rewritten (packages/db/README.md, "The audit hash chain").
      if (result.ok) request.log.info({ auditChain: result }, 'audit chain verified')
      else request.log.error({ auditChain: result }, 'audit chain broken')
      return result
    },
  )

  r.get(
    '/api/v1/customers/:id/audit-events',
    {
      schema: {
        tags: ['audit'],
        summary: "A customer's audit trail, newest first",
        params: idParams,
        querystring: auditListQuerySchema.omit({ customerId: true }).strict(),
        response: withProblems(auditPage, [400, 404]),
      },
    },
    async (request) => {
      await requireCustomer(ctx, request.params.id)
      return listAuditEvents(ctx.db, { ...request.query, customerId: request.params.id })
    },
  )
}
