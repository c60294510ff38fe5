import {
  consentEmailRequestSchema,
  listEmailDeliveries,
  recordDeliveryStatusReport,
  requestConsentEmail,
  requireCustomer,
} from '@crosstrust/services'
import { z } from 'zod'
import { staffActor } from './actor.ts'
import type { StaffApi, StaffApiDeps } from './deps.ts'
import { idParams, withProblems } from './schemas.ts'

const tags = ['consent links']

const emailDeliverySchema = z.object({
  id: z.uuid(),
  kind: z.enum(['consent_link', 'reminder', 'status_link']),
  recipients: z.array(z.object({ name: z.string(), email: z.string() })),
  status: z.enum(['pending', 'sent', 'bounced', 'failed']),
  attempts: z.number().int(),
  lastError: z
    .string()
    .nullable()
    .describe('The SMTP error of the latest attempt (outage, deferral, refusal)'),
  bouncedRecipients: z.array(z.string()),
  messageId: z.string().nullable(),
  smtpResponse: z.string().nullable(),
  sentAt: z.date().nullable(),
  requestedBy: z.string(),
  createdAt: z.date(),
})

/** Consent links by email: send to chosen admin contacts, and the delivery log with SMTP errors and bounces. */
export function consentEmailApiRoutes(r: StaffApi, { ctx, emailEnabled }: StaffApiDeps) {
  r.get(
    '/api/v1/customers/:id/consent-emails',
    {
      schema: {
        tags,
        summary: "A customer's consent-link emails and reminders, newest first, with SMTP errors and bounces",
        params: idParams,
        response: withProblems({ 200: z.object({ items: z.array(emailDeliverySchema) }) }, [400, 404]),
      },
    },
    async (request) => {
      await requireCustomer(ctx, request.params.id)
      return { items: await listEmailDeliveries(ctx.db, request.params.id) }
    },
  )

  r.post(
    '/api/v1/customers/:id/consent-emails',
    {
      schema: {
        tags,
        summary:
          'Email a fresh consent link to chosen admin contacts of the customer (queued; the link is minted when it is sent)',
        params: idParams,
        body: consentEmailRequestSchema,
        response: withProblems({ 202: emailDeliverySchema }, [400, 404, 409]),
      },
    },
    async (request, reply) => {
      const delivery = await requestConsentEmail(
        ctx,
        request.params.id,
        request.body,
        staffActor(request),
        emailEnabled,
      )
      return reply.status(202).send(delivery)
    },
  )

  r.post(
    '/api/v1/email-bounces',
    {
      schema: {
        tags,
        summary:
          'Record a bounce that came back by mail: the raw delivery status notification (RFC 3464) of a consent-link email',
        body: z.object({ report: z.string().min(1).max(200_000) }),
        response: withProblems({ 200: emailDeliverySchema }, [400, 404]),
      },
    },
    async (request) => recordDeliveryStatusReport(ctx, request.body.report, staffActor(request)),
  )
}
