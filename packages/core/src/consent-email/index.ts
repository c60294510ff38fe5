export { consentEmail, escapeHtml, type ConsentEmail, type ConsentEmailInput } from './message.ts'
export { parseDeliveryStatus, type BouncedRecipient, type DeliveryStatusReport } from './delivery-status.ts'
export { statusLinkEmail, type StatusLinkEmailInput } from './status-link-message.ts'
