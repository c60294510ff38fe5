import { NotFoundError, ValidationError, parseDeliveryStatus } from '@crosstrust/core'
import { recordAudit } from '../audit.ts'
import type { Actor, ServiceContext } from '../context.ts'
import { emailDeliveryView, recipientsOf, type EmailDeliveryView } from './deliveries.ts'
import { revokeUndelivered, type LinkRef } from './send.ts'

// A bounce that comes back by mail: the mail system (or whoever reads MAIL_FROM's mailbox) hands the raw
// delivery status notification to Crosstrust, which finds the consent-link email by its Message-ID and
// records the refused recipients. When every recipient bounced the mail is `bounced` and the link it carried
// stops working, as when the server refused the mail at once (nobody holds it); the customer page shows the
// bounce either way.

/** Records the permanent failures a raw DSN reports against the email it is about. */
export async function recordDeliveryStatusReport(
  ctx: ServiceContext,
  raw: string,
  actor: Actor,
): Promise<EmailDeliveryView> {
  const report = parseDeliveryStatus(raw)
  if (report.originalMessageId === null || report.bounced.length === 0) {
    throw new ValidationError('Not a delivery status notification with a permanent failure.', [
      { path: 'report', message: 'needs the original Message-ID and a failed recipient with a 5.x.x status' },
    ])
  }
  const messageId = report.originalMessageId
  return ctx.db.$transaction(async (tx) => {
    const mail = await tx.emailDelivery.findFirst({ where: { messageId } })
    if (mail === null) {
      throw new NotFoundError(`No consent-link email with Message-ID ${messageId}.`, {
        code: 'email_not_found',
      })
    }
    const bounced = [...new Set([...mail.bouncedRecipients, ...report.bounced.map((b) => b.recipient)])]
    const everyone = recipientsOf(mail.recipients).every((r) => bounced.includes(r.email.toLowerCase()))
    const lastError = report.bounced
      .map((b) => `${b.recipient}: ${b.diagnostic ?? b.status}`)
      .join('; ')
      .slice(0, 1000)
    const updated = await tx.emailDelivery.update({
      where: { id: mail.id },
      data: { bouncedRecipients: bounced, lastError, ...(everyone ? { status: 'bounced' as const } : {}) },
    })
    const carried: LinkRef | null = !everyone
      ? null
      : mail.statusLinkId !== null
        ? { statusLinkId: mail.statusLinkId }
        : mail.consentLinkId !== null
          ? { consentLinkId: mail.consentLinkId }
          : null
    // A consent link already used (or a link revoked before) stays as it is, and the event says nothing of it.
    const undelivered = carried !== null && (await revokeUndelivered(tx, carried, ctx.now())) ? carried : null
    await recordAudit(tx, actor, {
      action: 'consent_email.bounced',
      customerId: mail.customerId,
      entityType: 'email_delivery',
      entityId: mail.id,
      after: {
        source: 'delivery_status_notification',
        recipients: report.bounced,
        ...(undelivered === null ? {} : { revokedUndelivered: undelivered }),
      },
    })
    return emailDeliveryView(updated)
  })
}
