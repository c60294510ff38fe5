export {
  consentEmailRequestSchema,
  emailDeliveryView,
  listEmailDeliveries,
  requestConsentEmail,
  type ConsentEmailRequest,
  type EmailDeliveryView,
  type EmailRecipient,
} from './deliveries.ts'
export {
  MailSendError,
  classifyMailError,
  createMailer,
  type Mailer,
  type OutgoingMail,
  type SentMail,
} from './mailer.ts'
export { recordDeliveryStatusReport } from './bounces.ts'
export { queueConsentReminders } from './reminders.ts'
export { queueStatusLinkEmail } from './status-link-email.ts'
export { sendConsentEmail, type EmailAttempt, type EmailSendOutcome, type EmailSettings } from './send.ts'
