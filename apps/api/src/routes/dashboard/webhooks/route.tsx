// Webhook endpoints (Admins only: their URLs are credentials): list, create (the signing secret is shown
// once, after the redirect), delete with a confirmation step.
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  listWebhookEndpoints,
  type CreateWebhookEndpointInput,
} from '@crosstrust/services'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { isClientDomainError } from '../../../plugins/problem.ts'
import { staffActor } from '../../api/actor.ts'
import type { DashboardDeps } from '../deps.ts'
import type { FlashStore } from '../flash.ts'
import { field, fieldErrors, fields, formBody, type FieldErrors, type FormBody } from '../forms.ts'
import { sendStaffPage, staffViewer } from '../ui/staff-page.tsx'
import { WebhooksPage } from './page.tsx'
import { presentWebhooks } from './presenter.ts'

async function webhooksPage(
  request: FastifyRequest,
  reply: FastifyReply,
  deps: DashboardDeps,
  flash: FlashStore,
  values: FormBody,
  errors: FieldErrors | null,
) {
  const view = presentWebhooks({
    endpoints: await listWebhookEndpoints(deps.ctx),
    values,
    errors,
    allowedPrivateNetworks: deps.webhookTargets.allowedPrivateNetworks,
    csrfToken: staffViewer(request).csrfToken,
    now: deps.ctx.now(),
  })
  return sendStaffPage(
    request,
    reply,
    {
      title: 'Webhooks',
      section: 'webhooks',
      body: <WebhooksPage view={view} />,
      flash,
    },
    errors === null ? 200 : 422,
  )
}

export function webhookRoutes(app: FastifyInstance, deps: DashboardDeps, flash: FlashStore) {
  app.get('/webhooks', (request, reply) => webhooksPage(request, reply, deps, flash, {}, null))

  app.post('/webhooks', async (request, reply) => {
    const body = formBody(request)
    const input: CreateWebhookEndpointInput = {
      name: field(body, 'name'),
      url: field(body, 'url'),
      format: field(body, 'format') as CreateWebhookEndpointInput['format'],
      events: fields(body, 'events') as CreateWebhookEndpointInput['events'],
    }
    try {
      const { endpoint, secret } = await createWebhookEndpoint(
        deps.ctx,
        input,
        staffActor(request),
        deps.webhookTargets,
      )
      await flash.set(reply, {
        tone: 'ok',
        text: `Endpoint “${endpoint.name}” added. Deliveries are signed with this secret: store it with the receiver.`,
        reveal: { label: 'Signing secret', value: secret },
      })
      return await reply.redirect('/webhooks', 303)
    } catch (err) {
      const errors = fieldErrors(err)
      if (errors === null) throw err
      return webhooksPage(request, reply, deps, flash, body, errors)
    }
  })

  app.post('/webhooks/:id/delete', async (request, reply) => {
    const { id } = z.object({ id: z.string().max(64) }).parse(request.params)
    try {
      await deleteWebhookEndpoint(deps.ctx, id, staffActor(request))
      await flash.set(reply, { tone: 'ok', text: 'Endpoint deleted.' })
    } catch (err) {
      if (!isClientDomainError(err)) throw err
      await flash.set(reply, { tone: 'bad', text: err.detail })
    }
    return reply.redirect('/webhooks', 303)
  })
}
