import { ConflictError, NotFoundError, ValidationError } from '@crosstrust/core'
import type { Db, EmailDelivery } from '@crosstrust/db'
import { z } from 'zod'
import { recordAudit } from '../audit.ts'
import type { Actor, ServiceContext } from '../context.ts'
import { requireCustomer } from '../customers.ts'

// Staff send a consent link by email to admin contacts they pick from the customer's contacts. The request
// is recorded (delivery log row, audit event) and an `email` job sends it after the commit: the link is
// minted when the mail goes out, so its token exists only in the mail.

export interface EmailRecipient {
  name: string
  email: string
}

export interface EmailDeliveryView {
  id: string
  kind: 'consent_link' | 'reminder' | 'status_link'
  recipients: EmailRecipient[]
  status: 'pending' | 'sent' | 'bounced' | 'failed'
  attempts: number
  lastError: string | null
  bouncedRecipients: string[]
  messageId: string | null
  smtpResponse: string | null
  sentAt: Date | null
  requestedBy: string
  createdAt: Date
}

const recipientsSchema = z.array(z.object({ name: z.string(), email: z.string() }))

export function recipientsOf(stored: unknown): EmailRecipient[] {
  const parsed = recipientsSchema.safeParse(stored)
  return parsed.success ? parsed.data : []
}

export function emailDeliveryView(row: EmailDelivery): EmailDeliveryView {
  return {
    id: row.id,
    kind: row.kind,
    recipients: recipientsOf(row.recipients),
    status: row.status,
    attempts: row.attempts,
    lastError: row.lastError,
    bouncedRecipients: row.bouncedRecipients,
    messageId: row.messageId,
    smtpResponse: row.smtpResponse,
    sentAt: row.sentAt,
    requestedBy: row.requestedBy,
    createdAt: row.createdAt,
  }
}

export const consentEmailRequestSchema = z.object({
  /** Addresses of the customer's contacts to send to (one mail, every one of them in To). */
  recipients: z.array(z.email().max(320)).min(1).max(20),
})
export type ConsentEmailRequest = z.input<typeof consentEmailRequestSchema>

/** Records a consent-link email to the chosen contacts and enqueues its `email` job after the commit. */
export async function requestConsentEmail(
  ctx: ServiceContext,
  customerId: string,
  input: ConsentEmailRequest,
  actor: Actor,
  /** Whether the deployment can send mail (SMTP_URL and MAIL_FROM set). */
  emailEnabled: boolean,
): Promise<EmailDeliveryView> {
  if (!emailEnabled) {
    throw new ConflictError('Email is not configured (SMTP_URL and MAIL_FROM).', {
      code: 'email_not_configured',
    })
  }
  const parsed = consentEmailRequestSchema.safeParse(input)
  if (!parsed.success) {
    throw new ValidationError(
      'Invalid email request.',
      parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
    )
  }
  const customer = await requireCustomer(ctx, customerId)
  if (customer.onboardingState === 'offboarding') {
    throw new ConflictError('The customer is being offboarded.', { code: 'customer_offboarding' })
  }
  const contacts = customer.contacts
  const wanted = [...new Set(parsed.data.recipients.map((email) => email.toLowerCase()))]
  const recipients = wanted.map((email) => contacts.find((c) => c.email.toLowerCase() === email))
  const unknown = wanted.filter((_email, i) => recipients[i] === undefined)
  if (unknown.length > 0) {
    throw new ValidationError('Send only to the customer’s contacts.', [
      { path: 'recipients', message: `not a contact of this customer: ${unknown.join(', ')}` },
    ])
  }
  const chosen = recipients.flatMap((c) => (c === undefined ? [] : [{ name: c.name, email: c.email }]))
  const row = await ctx.db.$transaction(async (tx) => {
    const created = await tx.emailDelivery.create({
      data: {
        customerId,
        kind: 'consent_link',
        recipients: chosen,
        requestedBy: actor.name ?? actor.id ?? actor.type,
      },
    })
    await recordAudit(tx, actor, {
      action: 'consent_email.requested',
      customerId,
      entityType: 'email_delivery',
      entityId: created.id,
      after: { recipients: chosen.map((c) => c.email) },
    })
    return created
  })
  await ctx.enqueue('email', { deliveryId: row.id })
  return emailDeliveryView(row)
}

/** A customer's consent-link emails and reminders, newest first. */
export async function listEmailDeliveries(
  db: Db,
  customerId: string,
  limit = 20,
): Promise<EmailDeliveryView[]> {
  if (!z.uuid().safeParse(customerId).success)
    throw new NotFoundError(`No customer ${customerId}.`, { code: 'customer_not_found' })
  const rows = await db.emailDelivery.findMany({
    where: { customerId },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: limit,
  })
  return rows.map(emailDeliveryView)
}
