import type { Tx } from '@crosstrust/db'
import { recordAudit } from '../audit.ts'
import { SYSTEM_ACTOR } from '../context.ts'
import { recipientsOf } from './deliveries.ts'

// When onboarding completes for a customer whose admin consented through a link staff had mailed, the same
// contacts get the status page link by mail. The row is created in onboarding's own transaction and its
// `email` job is enqueued after the commit (job id `email-<deliveryId>`); the job mints the link when it
// sends, so the token never sits in the queue, only in the mail. One per consent mail (unique on kind and
// the mail it follows): a re-run of onboarding, or a second onboarding through the same consent, finds it.

/** Creates the status-link mail for the consent mail whose link was used; returns its id to enqueue, or null. */
export async function queueStatusLinkEmail(tx: Tx, customerId: string): Promise<string | null> {
  const used = await tx.consentLink.findFirst({
    where: { customerId, usedAt: { not: null } },
    orderBy: { usedAt: 'desc' },
    select: { id: true },
  })
  if (used === null) return null
  const consentMail = await tx.emailDelivery.findFirst({
    where: { customerId, consentLinkId: used.id, kind: { in: ['consent_link', 'reminder'] }, status: 'sent' },
    orderBy: { sentAt: 'desc' },
  })
  if (consentMail === null) return null
  const existing = await tx.emailDelivery.findUnique({
    where: { kind_remindsId: { kind: 'status_link', remindsId: consentMail.id } },
    select: { id: true },
  })
  if (existing !== null) return null
  // Addresses that refused the consent mail would refuse this one too.
  const bounced = new Set(consentMail.bouncedRecipients.map((email) => email.toLowerCase()))
  const recipients = recipientsOf(consentMail.recipients).filter((r) => !bounced.has(r.email.toLowerCase()))
  if (recipients.length === 0) return null
  const created = await tx.emailDelivery.create({
    data: {
      customerId,
      kind: 'status_link',
      recipients: recipients.map((r) => ({ name: r.name, email: r.email })),
      remindsId: consentMail.id,
      requestedBy: SYSTEM_ACTOR.name ?? 'system',
    },
  })
  await recordAudit(tx, SYSTEM_ACTOR, {
    action: 'status_email.requested',
    customerId,
    entityType: 'email_delivery',
    entityId: created.id,
    after: { follows: consentMail.id, recipients: recipients.map((r) => r.email) },
  })
  return created.id
}
