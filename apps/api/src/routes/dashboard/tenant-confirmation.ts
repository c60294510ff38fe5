// "Is this <customer>?": the POST of the panel an Operator answers before a first-time tenant is bound
// (customer-detail/tenant-confirmation-panel.tsx).
// Nothing is written to the tenant before the answer is yes (the onboarding job waits in
// awaiting_confirmation); the service records the decision in the audit log.
import { confirmTenant, rejectTenant } from '@crosstrust/services'
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { staffActor } from '../api/actor.ts'
import type { DashboardDeps } from './deps.ts'
import type { FlashStore } from './flash.ts'
import { field, formBody, userMessage } from './forms.ts'

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
