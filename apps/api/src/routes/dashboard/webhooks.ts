// Webhook endpoints (Admins only: their URLs are credentials): list, create (the signing secret is shown
// once, after the redirect), delete with a confirmation step.
import { DomainError, NOTIFICATION_FORMATS, TRANSITION_KINDS } from '@crosstrust/core'
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  listWebhookEndpoints,
  redactWebhookUrl,
  type CreateWebhookEndpointInput,
} from '@crosstrust/services'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { html } from '../../html/html.ts'
import { staffActor } from '../api/actor.ts'
import { csrfField, sendPage } from './chrome.ts'
import type { DashboardDeps } from './deps.ts'
import type { FlashStore } from './flash.ts'
import {
  errorSummary,
  field,
  fieldErrors,
  fields,
  formBody,
  input,
  select,
  type FieldErrors,
  type FormBody,
} from './forms.ts'
import { badge, timeAgo } from './format.ts'

const TRANSITION_LABELS: Record<string, string> = {
  drifted: 'Drifted',
  recovered: 'Recovered',
  remediated: 'Remediated',
  access_lost: 'Access lost',
  access_restored: 'Access restored',
  removed_by_customer: 'Removed by customer',
  onboarding_failed: 'Onboarding failed',
  onboarding_completed: 'Onboarding completed',
  trust_changed: 'Trust effectiveness changed',
}

/** The form's rule, in words: what `webhookUrlProblem` and the worker's connect-time check enforce. */
function webhookHint(allowed: readonly string[]): string {
  const open =
    allowed.length === 0
      ? 'WEBHOOK_ALLOWED_PRIVATE_NETWORKS opens none here'
      : `WEBHOOK_ALLOWED_PRIVATE_NETWORKS opens ${allowed.join(', ')}`
  return (
    'https (http only to a loopback address). The host must be public: loopback, private, link-local, ' +
    `internal and reserved addresses are refused, also when a name resolves to one, unless ${open}. ` +
    'Redirects are not followed.'
  )
}

async function webhooksPage(
  request: FastifyRequest,
  reply: FastifyReply,
  deps: DashboardDeps,
  flash: FlashStore,
  values: FormBody,
  errors: FieldErrors | null,
) {
  const now = deps.ctx.now()
  const endpoints = await listWebhookEndpoints(deps.ctx)
  const chosen = new Set(fields(values, 'events'))
  const body = html`<div class="page-head"><h1>Webhooks</h1></div>
    <p class="lead">
      Signed notifications when a customer’s state changes (drift, recovery, lost access, onboarding done or
      failed).
    </p>
    <section class="panel flush" aria-labelledby="list-h">
      <h2 id="list-h" class="pad">Endpoints</h2>
      ${
        endpoints.length === 0
          ? html`<p class="pad muted">No endpoints yet.</p>`
          : html`<table class="compact">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">URL</th>
                  <th scope="col">Format</th>
                  <th scope="col">Events</th>
                  <th scope="col">Status</th>
                  <th scope="col">Created</th>
                  <th scope="col"><span class="visually-hidden">Actions</span></th>
                </tr>
              </thead>
              <tbody>
                ${endpoints.map(
                  (e) =>
                    html`<tr data-webhook="${e.id}">
                      <th scope="row">${e.name}</th>
                      <td
                        class="mono small"
                        title="The path is hidden: for Teams and Slack it is a credential"
                      >
                        ${redactWebhookUrl(e.url)}
                      </td>
                      <td>${e.format}</td>
                      <td>
                        ${e.events.length === 0 ? 'All' : e.events.map((k) => TRANSITION_LABELS[k] ?? k).join(', ')}
                      </td>
                      <td>${e.enabled ? badge('Enabled', 'ok') : badge('Disabled', 'neutral')}</td>
                      <td class="nowrap">${timeAgo(e.createdAt, now)}</td>
                      <td>
                        <details class="popover right" data-action="delete-webhook">
                          <summary class="button small danger-outline">Delete…</summary>
                          <form method="post" action="/webhooks/${e.id}/delete" class="popover-body">
                            ${csrfField(request)}
                            <p>
                              Delete <strong>${e.name}</strong> and its delivery log? Notifications stop at
                              once.
                            </p>
                            <button type="submit" class="danger">Delete endpoint</button>
                          </form>
                        </details>
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }
    </section>
    <section class="panel" aria-labelledby="new-h">
      <h2 id="new-h">Add an endpoint</h2>
      ${errorSummary(errors, { name: 'Name', url: 'URL', format: 'Format', events: 'Events' })}
      <form method="post" action="/webhooks" class="form grid-2" data-action="create-webhook" novalidate>
        ${csrfField(request)}
        ${input({ name: 'name', label: 'Name', value: field(values, 'name'), error: errors?.name, required: true })}
        ${select({
          name: 'format',
          label: 'Format',
          value: field(values, 'format') || 'json',
          error: errors?.format,
          options: NOTIFICATION_FORMATS.map(
            (f) => [f, f === 'json' ? 'JSON (signed)' : f === 'teams' ? 'Microsoft Teams' : 'Slack'] as const,
          ),
        })}
        ${input({
          name: 'url',
          label: 'URL',
          type: 'url',
          value: field(values, 'url'),
          error: errors?.url,
          required: true,
          hint: webhookHint(deps.webhookTargets.allowedPrivateNetworks),
          className: 'span-2',
        })}
        <fieldset class="span-2 events">
          <legend>Events <span class="muted">(none checked = all)</span></legend>
          ${TRANSITION_KINDS.map(
            (k) =>
              html`<label class="checkbox-inline"
                ><input type="checkbox" name="events" value="${k}" ${chosen.has(k) ? html`checked` : ''} />
                ${TRANSITION_LABELS[k] ?? k}</label
              >`,
          )}
        </fieldset>
        <div class="span-2"><button type="submit">Add endpoint</button></div>
      </form>
    </section>`
  return sendPage(
    request,
    reply,
    { title: 'Webhooks', section: 'webhooks', body, flash: await flash.take(request, reply) },
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
      if (!(err instanceof DomainError) || err.status >= 500) throw err
      await flash.set(reply, { tone: 'bad', text: err.detail })
    }
    return reply.redirect('/webhooks', 303)
  })
}
