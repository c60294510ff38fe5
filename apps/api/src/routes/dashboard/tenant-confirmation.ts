// "Is this <customer>?": the panel an Operator answers before a first-time tenant is bound, and its POST.
// Nothing is written to the tenant before the answer is yes (the onboarding job waits in
// awaiting_confirmation); the service records the decision in the audit log.
import { confirmTenant, rejectTenant, type PendingTenantConfirmation } from '@crosstrust/services'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { html, type SafeHtml } from '../../html/html.ts'
import { staffActor } from '../api/actor.ts'
import { can, csrfField } from './chrome.ts'
import type { DashboardDeps } from './deps.ts'
import type { FlashStore } from './flash.ts'
import { field, formBody, userMessage } from './forms.ts'

export function tenantConfirmationPanel(
  request: FastifyRequest,
  pending: PendingTenantConfirmation | null,
): SafeHtml {
  if (pending === null) return html``
  const who = pending.consentedBy.username ?? pending.consentedBy.name ?? 'an administrator'
  const domains =
    pending.verifiedDomains.length > 0 ? pending.verifiedDomains.join(', ') : 'no verified domains'
  const form = (decision: 'confirm' | 'reject', label: string, cls: string) =>
    html`<form method="post" action="/customers/${pending.customerId}/tenant-confirmation" class="inline">
      ${csrfField(request)}<input type="hidden" name="tenantId" value="${pending.tenantId}" />
      <input type="hidden" name="decision" value="${decision}" />
      <button type="submit" class="${cls}" data-decision="${decision}">${label}</button>
    </form>`
  return html`<section class="panel notice warn" id="tenant-confirmation" aria-labelledby="confirm-h">
    <h2 id="confirm-h">Confirm the customer’s tenant</h2>
    <p>
      <strong>${pending.tenantDisplayName ?? 'A tenant'}</strong> (${domains}), tenant
      <span class="mono">${pending.tenantId}</span>, consented as ${who}. Is this
      <strong>${pending.customerName}</strong>?
    </p>
    <p class="muted">
      This customer was created without a domain or tenant ID, so nothing is written to this tenant until an
      Operator confirms it. If it is not the customer, refuse it and send a new link to the right
      administrator.
    </p>
    ${
      can(request, 'Operator')
        ? html`<div class="actions">
            ${form('confirm', `Yes, this is ${pending.customerName}`, '')}
            ${form('reject', 'No, refuse this tenant', 'secondary danger-text')}
          </div>`
        : html`<p class="muted">An Operator can confirm it.</p>`
    }
  </section>`
}

const params = z.object({ id: z.string().max(64) })
const answer = z.object({ tenantId: z.uuid(), decision: z.enum(['confirm', 'reject']) })

export function tenantConfirmationRoutes(app: FastifyInstance, deps: DashboardDeps, flash: FlashStore) {
  app.post('/customers/:id/tenant-confirmation', async (request, reply) => {
    const { id } = params.parse(request.params)
    const body = formBody(request)
    const parsed = answer.safeParse({ tenantId: field(body, 'tenantId'), decision: field(body, 'decision') })
    let text: string
    let tone: 'ok' | 'bad' = 'ok'
    try {
      if (!parsed.success) throw new Error('The confirmation form was incomplete; nothing changed.')
      if (parsed.data.decision === 'confirm') {
        await confirmTenant(deps.ctx, id, parsed.data.tenantId, staffActor(request))
        text = 'Tenant confirmed. Onboarding continues: the policy is applied and verified now.'
      } else {
        await rejectTenant(deps.ctx, id, parsed.data.tenantId, staffActor(request))
        text =
          'Tenant refused. Nothing was written to it; send a new consent link to the right administrator.'
      }
    } catch (err) {
      const message = parsed.success ? userMessage(err) : (err as Error).message
      if (message === null) throw err
      text = message
      tone = 'bad'
    }
    await flash.set(reply, { tone, text })
    return reply.redirect(`/customers/${encodeURIComponent(id)}`, 303)
  })
}
