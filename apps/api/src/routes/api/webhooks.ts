import { NOTIFICATION_FORMATS } from '@crosstrust/core'
import {
  createWebhookEndpoint,
  createWebhookEndpointInput,
  deleteWebhookEndpoint,
  getWebhookEndpoint,
  listDeliveries,
  listWebhookEndpoints,
  updateWebhookEndpoint,
  updateWebhookEndpointInput,
} from '@crosstrust/services'
import { z } from 'zod'
import { staffActor } from './actor.ts'
import type { StaffApi, StaffApiDeps } from './deps.ts'
import { idParams, withProblems } from './schemas.ts'

const tags = ['webhooks']

const endpointSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  url: z.string(),
  format: z.enum(NOTIFICATION_FORMATS),
  events: z.array(z.string()),
  enabled: z.boolean(),
  createdBy: z.string().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
})

const deliverySchema = z.object({
  id: z.uuid(),
  endpointId: z.uuid(),
  eventId: z.string().nullable(),
  eventType: z.string(),
  customerId: z.string().nullable(),
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number().int(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  nextAttemptAt: z.date().nullable(),
  deliveredAt: z.date().nullable(),
  createdAt: z.date(),
})

const createdEndpointSchema = z.object({ endpoint: endpointSchema, secret: z.string() })

/** Webhook endpoints (Admin only: their URLs and secrets are credentials) and their delivery log. */
export function webhookApiRoutes(r: StaffApi, { ctx, webhookTargets }: StaffApiDeps) {
  r.get(
    '/api/v1/webhooks',
    {
      schema: {
        tags,
        summary: 'Webhook endpoints (never their secrets)',
        response: withProblems({ 200: z.object({ items: z.array(endpointSchema) }) }),
      },
    },
    async () => ({ items: await listWebhookEndpoints(ctx) }),
  )

  r.post(
    '/api/v1/webhooks',
    {
      schema: {
        tags,
        summary: 'Add an endpoint; the signing secret is returned once, in this answer only',
        body: createWebhookEndpointInput,
        response: withProblems({ 201: createdEndpointSchema }, [400]),
      },
    },
    async (request, reply) => {
      const created = await createWebhookEndpoint(ctx, request.body, staffActor(request), webhookTargets)
      return reply
        .status(201)
        .header('location', `/api/v1/webhooks/${created.endpoint.id}`)
        .header('cache-control', 'no-store')
        .send(created)
    },
  )

  r.get(
    '/api/v1/webhooks/:id',
    {
      schema: {
        tags,
        summary: 'One endpoint',
        params: idParams,
        response: withProblems({ 200: endpointSchema }, [400, 404]),
      },
    },
    async (request) => getWebhookEndpoint(ctx, request.params.id),
  )

  r.patch(
    '/api/v1/webhooks/:id',
    {
      schema: {
        tags,
        summary: 'Change name, URL, format, events or enabled',
        params: idParams,
        body: updateWebhookEndpointInput,
        response: withProblems({ 200: endpointSchema }, [400, 404]),
      },
    },
    async (request) =>
      updateWebhookEndpoint(ctx, request.params.id, request.body, staffActor(request), webhookTargets),
  )

  r.delete(
    '/api/v1/webhooks/:id',
    {
      schema: {
        tags,
        summary: 'Delete an endpoint and its delivery log (the audit trail keeps the record)',
        params: idParams,
        response: withProblems({ 204: z.null().describe('Deleted') }, [400, 404]),
      },
    },
    async (request, reply) => {
      await deleteWebhookEndpoint(ctx, request.params.id, staffActor(request))
      return reply.status(204).send(null)
    },
  )

  r.get(
    '/api/v1/webhooks/:id/deliveries',
    {
      schema: {
        tags,
        summary: "An endpoint's delivery log, newest first",
        params: idParams,
        querystring: z
          .object({
            status: z.enum(['pending', 'delivered', 'failed']).optional(),
            limit: z.coerce.number().int().min(1).max(500).default(50),
          })
          .strict(),
        response: withProblems({ 200: z.object({ items: z.array(deliverySchema) }) }, [400, 404]),
      },
    },
    async (request) => {
      await getWebhookEndpoint(ctx, request.params.id)
      return {
        items: await listDeliveries(ctx, {
          endpointId: request.params.id,
          limit: request.query.limit,
          ...(request.query.status === undefined ? {} : { status: request.query.status }),
        }),
      }
    },
  )
}
