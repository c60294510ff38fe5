import nodemailer, { type Transporter } from 'nodemailer'
import type SMTPTransport from 'nodemailer/lib/smtp-transport'

// The one place that speaks SMTP (nodemailer). A send either reaches the server's final answer or fails
// with what the server said: a permanent refusal (5xx) is a bounce and is not retried; anything else (the
// server unreachable, a 4xx deferral, a timeout) is worth another try later.

export interface OutgoingMail {
  from: string
  replyTo?: string
  to: { name: string; address: string }[]
  subject: string
  text: string
  html: string
}

export interface SentMail {
  messageId: string
  response: string
  /** Addresses the server refused permanently while accepting others. */
  rejected: string[]
}

export type MailFailure =
  { kind: 'permanent'; message: string; rejected: string[] } | { kind: 'temporary'; message: string }

export interface Mailer {
  send(mail: OutgoingMail): Promise<SentMail>
  close(): void
}

export class MailSendError extends Error {
  constructor(readonly failure: MailFailure) {
    super(failure.message)
    this.name = 'MailSendError'
  }
}

function addressText(value: string | { address: string }): string {
  return typeof value === 'string' ? value : value.address
}

interface SmtpErrorShape {
  message?: unknown
  responseCode?: unknown
  response?: unknown
  rejected?: unknown
}

/** What nodemailer's error says: 5xx is permanent, the rest (connection, 4xx, timeouts) temporary. */
export function classifyMailError(err: unknown): MailFailure {
  const e = (typeof err === 'object' && err !== null ? err : {}) as SmtpErrorShape
  const response = typeof e.response === 'string' ? e.response : undefined
  const message = response ?? (typeof e.message === 'string' ? e.message : String(err))
  const code = typeof e.responseCode === 'number' ? e.responseCode : null
  if (code !== null && code >= 500 && code < 600) {
    const rejected = Array.isArray(e.rejected)
      ? e.rejected.map((r) => addressText(r as string | { address: string }))
      : []
    return { kind: 'permanent', message, rejected }
  }
  return { kind: 'temporary', message }
}

/** An SMTP mailer for `smtpUrl` (smtp:// or smtps://, credentials in the URL when the server needs them). */
export function createMailer(smtpUrl: string): Mailer {
  const transport = nodemailer.createTransport(smtpUrl) as Transporter<SMTPTransport.SentMessageInfo>
  return {
    async send(mail) {
      try {
        const info = await transport.sendMail({
          from: mail.from,
          ...(mail.replyTo === undefined ? {} : { replyTo: mail.replyTo }),
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
        })
        return {
          messageId: info.messageId,
          response: info.response,
          rejected: info.rejected.map(addressText),
        }
      } catch (err) {
        throw new MailSendError(classifyMailError(err))
      }
    },
    close() {
      transport.close()
    },
  }
}
