import { consentEmail, statusLinkEmail, type ConsentEmail } from '@crosstrust/core'
import type { EmailDelivery, Prisma, Tx } from '@crosstrust/db'
import { recordAudit } from '../audit.ts'
import { SYSTEM_ACTOR, type ServiceContext } from '../context.ts'
import { mintConsentLink } from '../consent/links.ts'
import { mintStatusLink, statusLinkUrl } from '../status-page/links.ts'
import { recipientsOf } from './deliveries.ts'
import { MailSendError, type Mailer } from './mailer.ts'

export interface EmailSettings {
  /** The From address (MAIL_FROM), e.g. `Truesec Detect AB <onboarding@crosstrust.example>`. */
  from: string
  replyTo?: string
  partnerName: string
  partnerTenantId: string
  publicBaseUrl: string
  linkTtlDays: number
}

export type EmailSendOutcome = 'sent' | 'bounced' | 'failed' | 'retry' | 'already_done'

export interface EmailAttempt {
  /** 1-based attempt of the job; the last one records a temporary failure as final. */
  attempt: number
  maxAttempts: number
}

/**
 * One attempt at a consent-link email, reminder or status-link mail: mints the link the mail carries (added
 * next to the links the customer already holds: a delivery never revokes one, core's `revokesEarlierLinks`),
 * sends it to the chosen contacts and records the server's answer. A link whose mail did not go out is
 * revoked with the failure, since nobody holds it. A temporary failure is recorded (visible on the customer
 * page) and answered with `retry` until the last attempt; a permanent refusal (5xx) is a bounce and is not
 * retried.
 */
export async function sendConsentEmail(
  ctx: ServiceContext,
  mailer: Mailer,
  settings: EmailSettings,
  deliveryId: string,
  attempt: EmailAttempt,
): Promise<EmailSendOutcome> {
  const delivery = await ctx.db.emailDelivery.findUnique({
    where: { id: deliveryId },
    include: { customer: { select: { name: true, onboardingState: true } } },
  })
  if (delivery === null || delivery.status !== 'pending') return 'already_done'
  const audit = delivery.kind === 'status_link' ? 'status_email' : 'consent_email'
  const record = (
    data: Prisma.EmailDeliveryUpdateInput,
    action: string,
    after: Record<string, unknown>,
    undelivered: LinkRef | null = null,
  ) =>
    ctx.db.$transaction(async (tx) => {
      await tx.emailDelivery.update({
        where: { id: deliveryId },
        data: { ...data, attempts: { increment: 1 } },
      })
      if (undelivered !== null) await revokeUndelivered(tx, undelivered, ctx.now())
      await recordAudit(tx, SYSTEM_ACTOR, {
        action,
        customerId: delivery.customerId,
        entityType: 'email_delivery',
        entityId: deliveryId,
        after: undelivered === null ? after : { ...after, revokedUndelivered: undelivered },
      })
    })
  if (
    delivery.customer.onboardingState === 'offboarding' ||
    delivery.customer.onboardingState === 'offboarded'
  ) {
    await record({ status: 'failed', lastError: 'The customer was offboarded.' }, `${audit}.failed`, {
      reason: 'offboarded',
    })
    return 'failed'
  }
  if (delivery.kind === 'status_link' && delivery.customer.onboardingState !== 'onboarded') {
    await record({ status: 'failed', lastError: 'The customer is no longer onboarded.' }, `${audit}.failed`, {
      reason: 'not_onboarded',
    })
    return 'failed'
  }
  const recipients = recipientsOf(delivery.recipients)
  const { link, message } = await mintAndCompose(ctx, settings, delivery, delivery.customer.name)
  try {
    const sent = await mailer.send({
      from: settings.from,
      ...(settings.replyTo === undefined ? {} : { replyTo: settings.replyTo }),
      to: recipients.map((r) => ({ name: r.name, address: r.email })),
      ...message,
    })
    await record(
      {
        status: 'sent',
        sentAt: ctx.now(),
        messageId: sent.messageId,
        smtpResponse: sent.response,
        bouncedRecipients: sent.rejected,
        ...link,
        lastError: sent.rejected.length > 0 ? `Refused: ${sent.rejected.join(', ')}` : null,
      },
      `${audit}.sent`,
      { ...link, to: recipients.map((r) => r.email), refused: sent.rejected },
    )
    return 'sent'
  } catch (err) {
    if (!(err instanceof MailSendError)) throw err
    const { failure } = err
    if (failure.kind === 'permanent') {
      const bounced = failure.rejected.length > 0 ? failure.rejected : recipients.map((r) => r.email)
      await record(
        { status: 'bounced', lastError: failure.message, bouncedRecipients: bounced, ...link },
        `${audit}.bounced`,
        { error: failure.message, recipients: bounced },
        link,
      )
      return 'bounced'
    }
    const last = attempt.attempt >= attempt.maxAttempts
    await record(
      { ...(last ? { status: 'failed' as const } : {}), lastError: failure.message },
      last ? `${audit}.failed` : `${audit}.deferred`,
      { error: failure.message, attempt: attempt.attempt },
      link,
    )
    return last ? 'failed' : 'retry'
  }
}

export type LinkRef = { consentLinkId: string } | { statusLinkId: string }

/**
 * The link of a mail that did not go out is held by nobody (its token was only in that mail): it stops
 * working rather than stand among the customer's working links. A retry mints its own.
 */
export async function revokeUndelivered(tx: Tx, link: LinkRef, now: Date): Promise<boolean> {
  const { count } =
    'statusLinkId' in link
      ? await tx.statusLink.updateMany({
          where: { id: link.statusLinkId, revokedAt: null },
          data: { revokedAt: now },
        })
      : await tx.consentLink.updateMany({
          where: { id: link.consentLinkId, revokedAt: null, usedAt: null },
          data: { revokedAt: now },
        })
  return count > 0
}

/** Mints the link the mail carries and writes the mail around it; the token leaves only inside the mail. */
async function mintAndCompose(
  ctx: ServiceContext,
  settings: EmailSettings,
  delivery: EmailDelivery,
  customerName: string,
): Promise<{ link: LinkRef; message: ConsentEmail }> {
  const partner = { partnerName: settings.partnerName, partnerTenantId: settings.partnerTenantId }
  if (delivery.kind === 'status_link') {
    const actor = { ...SYSTEM_ACTOR, name: 'Email after onboarding' }
    const minted = await ctx.db.$transaction((tx) =>
      mintStatusLink(tx, delivery.customerId, actor, ctx.now(), { delivery: 'email' }),
    )
    const url = statusLinkUrl(settings.publicBaseUrl, minted.token)
    return { link: { statusLinkId: minted.id }, message: statusLinkEmail({ ...partner, customerName, url }) }
  }
  const issued = await mintConsentLink(
    ctx,
    { publicBaseUrl: settings.publicBaseUrl, ttlDays: settings.linkTtlDays },
    delivery.customerId,
    { ...SYSTEM_ACTOR, name: `Email for ${delivery.requestedBy}` },
    'email',
  )
  const message = consentEmail({
    ...partner,
    kind: delivery.kind,
    customerName,
    url: issued.url,
    expiresAt: issued.expiresAt,
    requestedBy: delivery.requestedBy,
  })
  return { link: { consentLinkId: issued.id }, message }
}
