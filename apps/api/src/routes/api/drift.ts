import { listDrifts, setAttributionEnabled } from '@crosstrust/services'
import { z } from 'zod'
import { staffActor } from './actor.ts'
import type { StaffApi, StaffApiDeps } from './deps.ts'
import { attributionSchema, idParams, withProblems } from './schemas.ts'

const tags = ['customers']

const driftListSchema = z.object({
  attributionEnabled: z.boolean(),
  items: z.array(
    z.object({
      checkRunId: z.uuid(),
      foundAt: z.date(),
      outcome: z.string().nullable(),
      attribution: attributionSchema,
    }),
  ),
})

/** A customer's drifts with who made them (docs/attribution.md), and the per-customer attribution switch. */
export function driftApiRoutes(r: StaffApi, { ctx }: StaffApiDeps) {
  r.get(
    '/api/v1/customers/:id/drift',
    {
      schema: {
        tags,
        summary:
          "Drifts the checks found, newest first, with who made them (the tenant's directory audit log)",
        params: idParams,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }).strict(),
        response: withProblems({ 200: driftListSchema }, [400, 404]),
      },
    },
    async (request) => listDrifts(ctx.db, request.params.id, request.query.limit),
  )

  r.put(
    '/api/v1/customers/:id/attribution',
    {
      schema: {
        tags: ['actions'],
        summary:
          'Switch drift attribution on or off (needs AuditLog.Read.All and Directory.Read.All in the consent)',
        params: idParams,
        body: z.object({ enabled: z.boolean() }).strict(),
        response: withProblems(
          { 200: z.object({ customerId: z.uuid(), attributionEnabled: z.boolean() }) },
          [400, 404, 409],
        ),
      },
    },
    async (request) =>
      setAttributionEnabled(ctx, request.params.id, request.body.enabled, staffActor(request)),
  )
}
