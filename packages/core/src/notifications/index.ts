export type { NotifiableState, NotifiableStatus, TransitionKind } from './transitions.ts'
export { TRANSITION_KINDS, detectTransition, notificationDedupeKey } from './transitions.ts'
export type { NotificationAttribution, NotificationEvent, NotificationFieldDiff } from './event.ts'
export { headline, severityOf, summaryLine } from './event.ts'
export type { NotificationFormat } from './payloads.ts'
export {
  NOTIFICATION_FORMATS,
  buildJsonPayload,
  buildPayload,
  buildSlackPayload,
  buildTeamsPayload,
  escapeSlack,
  teamsCardMessage,
} from './payloads.ts'
export type { VerifyResult } from './signature.ts'
export {
  DEFAULT_TOLERANCE_SECONDS,
  DELIVERY_HEADER,
  EVENT_HEADER,
  SIGNATURE_HEADER,
  signWebhook,
  verifyWebhook,
  webhookHeaders,
} from './signature.ts'
export type { AllowedNetworks } from './webhook-target.ts'
export {
  NO_PRIVATE_NETWORKS,
  addressRefusal,
  isIpLiteral,
  parseAllowedNetworks,
  webhookUrlProblem,
} from './webhook-target.ts'
