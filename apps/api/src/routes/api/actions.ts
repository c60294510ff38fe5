import {
  acceptDeviation,
  acceptDeviationInput,
  changeMode,
  forceRetry,
  requestApply,
  requestOffboard,
  requestRecheck,
  revokeDeviation,
} from '@crosstrust/services'
import { MONITORING_MODES } from '@crosstrust/core'
import { z } from 'zod'
import { staffActor } from './actor.ts'
import type { StaffApi, StaffApiDeps } from './deps.ts'
import { deviationSchema, emptyBody, idParams, queuedActionSchema, withProblems } from './schemas.ts'

const tags = ['actions']

const modeChangeSchema = z.object({
  customerId: z.uuid(),
  mode: z.enum(MONITORING_MODES).nullable(),
  queued: z.enum(['check']).nullable(),
})

/**
 * Staff actions on a customer. Each one validates, changes Postgres and writes its audit event in one
 * transaction (the monitoring services), then queues the work: the answer is 202 with what was queued.
 */
export function actionApiRoutes(r: StaffApi, { ctx }: StaffApiDeps) {
  const queued = withProblems({ 202: queuedActionSchema }, [400, 404, 409])

  // Actions without a body: each queues a run of the customer and answers 202 with what was queued.
  const runActions = [
    ['recheck', 'Re-check the partner entry now', requestRecheck],
    ['apply', 'Re-apply the policy now (repairs repairable differences whatever the mode)', requestApply],
    ['retry', 'Clear the failure backoff and check now', forceRetry],
  ] as const
  for (const [action, summary, run] of runActions) {
    r.post(
      `/api/v1/customers/:id/${action}`,
      { schema: { tags, summary, params: idParams, body: emptyBody, response: queued } },
      async (request, reply) =>
        reply.status(202).send(await run(ctx, request.params.id, staffActor(request))),
    )
  }

  r.post(
    '/api/v1/customers/:id/offboard',
    {
      schema: {
        tags,
        summary: 'Offboard: stop checks and remove the partner entry from the customer tenant',
        params: idParams,
        body: z
          .object({ reason: z.string().trim().max(1000).optional() })
          .strict()
          .nullish(),
        response: queued,
      },
    },
    async (request, reply) =>
      reply
        .status(202)
        .send(await requestOffboard(ctx, request.params.id, staffActor(request), request.body ?? {})),
  )

  r.put(
    '/api/v1/customers/:id/mode',
    {
      schema: {
        tags,
        summary: 'Set the monitoring mode (null = the global default)',
        params: idParams,
        body: z.object({ mode: z.enum(MONITORING_MODES).nullable() }).strict(),
        response: withProblems({ 200: modeChangeSchema }, [400, 404, 409]),
      },
    },
    async (request) => changeMode(ctx, request.params.id, request.body.mode, staffActor(request)),
  )

  r.post(
    '/api/v1/customers/:id/deviations',
    {
      schema: {
        tags,
        summary: 'Accept a specific field difference (reason, owner, expiry)',
        params: idParams,
        body: acceptDeviationInput,
        response: withProblems({ 201: deviationSchema }, [400, 404, 409]),
      },
    },
    async (request, reply) => {
      // The service needs the raw body: an omitted acceptedValue means "the value last observed".
      const raw = request.body as unknown as Parameters<typeof acceptDeviation>[2]
      const deviation = await acceptDeviation(ctx, request.params.id, raw, staffActor(request))
      return reply.status(201).send(deviation)
    },
  )

  r.delete(
    '/api/v1/customers/:id/deviations/:deviationId',
    {
      schema: {
        tags,
        summary: 'Revoke an accepted deviation (the difference counts as drift again)',
        params: z.object({ id: z.uuid(), deviationId: z.uuid() }),
        response: withProblems({ 200: deviationSchema }, [400, 404, 409]),
      },
    },
    async (request) =>
      revokeDeviation(ctx, request.params.id, request.params.deviationId, staffActor(request)),
  )
}
