import {
  createMailer,
  queueConsentReminders,
  sendConsentEmail,
  type EmailSettings,
  type Mailer,
  type ServiceContext,
} from '@crosstrust/services'
import type { WorkerDeps } from '../deps.ts'
import type { Processor } from '../registry.ts'

/** Email settings from configuration; null when SMTP_URL (and so MAIL_FROM) is not set. */
export function emailSettings(config: WorkerDeps['config']): EmailSettings | null {
  if (config.SMTP_URL === undefined || config.MAIL_FROM === undefined) return null
  return {
    from: config.MAIL_FROM,
    ...(config.MAIL_REPLY_TO === undefined ? {} : { replyTo: config.MAIL_REPLY_TO }),
    partnerName: config.PARTNER_NAME,
    partnerTenantId: config.PARTNER_TENANT_ID,
    publicBaseUrl: config.PUBLIC_BASE_URL,
    linkTtlDays: config.CONSENT_LINK_TTL_DAYS,
  }
}

/**
 * The `email` job: one attempt at one consent-link email. A temporary SMTP failure is recorded on the
 * delivery (staff see it) and thrown, so BullMQ retries it with its backoff; the last attempt records it
 * as failed. One mailer per worker process (pooled connections are the transport's business).
 */
export function emailProcessor(
  deps: Pick<WorkerDeps, 'config' | 'mailer'>,
  ctx: ServiceContext,
): Processor<'email'> {
  const settings = emailSettings(deps.config)
  let mailer: Mailer | undefined = deps.mailer
  return async (payload, job) => {
    if (settings === null) throw new Error('Consent-link email needs SMTP_URL and MAIL_FROM on the worker.')
    mailer ??= createMailer(deps.config.SMTP_URL ?? '')
    const outcome = await sendConsentEmail(ctx, mailer, settings, payload.deliveryId, {
      attempt: job.attempt,
      maxAttempts: job.maxAttempts,
    })
    job.logger.info({ deliveryId: payload.deliveryId, outcome }, 'consent email attempt')
    if (outcome === 'retry') throw new Error('SMTP server unavailable; the email is retried.')
    return { outcome }
  }
}

/** The sweep's part: reminders for emailed links about to expire unused (none when disabled or no SMTP). */
export async function enqueueConsentReminders(
  deps: Pick<WorkerDeps, 'config' | 'db' | 'queues'>,
  now: Date,
): Promise<number> {
  if (emailSettings(deps.config) === null || deps.config.CONSENT_REMINDER_HOURS === 0) return 0
  const ids = await queueConsentReminders(deps.db, now, deps.config.CONSENT_REMINDER_HOURS)
  for (const deliveryId of ids) await deps.queues.enqueue('email', { deliveryId })
  return ids.length
}
