// The Operator's answer for a first-time tenant over the API (the same service as the dashboard panel).
import { confirmTenant, pendingTenantConfirmation, rejectTenant } from '@crosstrust/services'
import { NotFoundError } from '@crosstrust/core'
import { z } from 'zod'
import { staffActor } from './actor.ts'
import type { StaffApi, StaffApiDeps } from './deps.ts'
import { idParams, withProblems } from './schemas.ts'

const tags = ['customers']

const pendingSchema = z.object({
  customerId: z.uuid(),
  customerName: z.string(),
  tenantId: z.uuid(),
  tenantDisplayName: z.string().nullable(),
  verifiedDomains: z.array(z.string()),
  consentedBy: z.object({ name: z.string().nullable(), username: z.string().nullable() }),
  consentedAt: z.date().nullable(),
})

const answerSchema = z.strictObject({
  /** The tenant the Operator looked at: a different consent meanwhile makes the answer a conflict. */
  tenantId: z.uuid(),
  decision: z.enum(['confirm', 'reject']),
})

const resultSchema = z.object({
  customerId: z.uuid(),
  tenantId: z.uuid(),
  decision: z.enum(['confirm', 'reject']),
  /** confirm: the onboarding job was queued to apply and verify the policy. */
  queued: z.enum(['onboard']).nullable(),
})

export function tenantConfirmationApiRoutes(r: StaffApi, { ctx }: StaffApiDeps) {
  r.get(
    '/api/v1/customers/:id/tenant-confirmation',
    {
      schema: {
        tags,
        summary: 'The first-time tenant waiting for an Operator to confirm it (404 when none is waiting)',
        params: idParams,
        response: withProblems({ 200: pendingSchema }, [400, 404]),
      },
    },
    async (request) => {
      const pending = await pendingTenantConfirmation(ctx, request.params.id)
      if (pending === null) {
        throw new NotFoundError('This customer is not waiting for a tenant confirmation.', {
          code: 'no_confirmation_pending',
        })
      }
      return pending
    },
  )

  r.post(
    '/api/v1/customers/:id/tenant-confirmation',
    {
      schema: {
        tags,
        summary: 'Confirm (or refuse) the tenant that consented as this customer’s tenant',
        params: idParams,
        body: answerSchema,
        response: withProblems({ 200: resultSchema }, [400, 404, 409]),
      },
    },
    async (request) => {
      const { id } = request.params
      const { tenantId, decision } = request.body
      if (decision === 'confirm') await confirmTenant(ctx, id, tenantId, staffActor(request))
      else await rejectTenant(ctx, id, tenantId, staffActor(request))
      return {
        customerId: id,
        tenantId: tenantId.toLowerCase(),
        decision,
        queued: decision === 'confirm' ? ('onboard' as const) : null,
      }
    },
  )
}
