export {
  inspectStatusLink,
  issueStatusLink,
  mintStatusLink,
  revokeStatusLinks,
  statusLinkSummary,
  statusLinkUrl,
  type IssuedStatusLink,
  type MintedStatusLink,
  type StatusLinkInspection,
  type StatusLinkSummary,
  type WorkingStatusLink,
} from './links.ts'
export { cleanUpStatusSignIns, type StatusCleanupResult } from './cleanup.ts'
export { statusLinkFromConsent, type StatusLinkFromConsent } from './from-consent.ts'
export { removeByCustomer, type RemovalResult } from './removal.ts'
export {
  STATUS_SESSION_COOKIE,
  endStatusSession,
  findStatusSession,
  statusCsrfToken,
  type StatusSession,
  type StatusSessionLookup,
} from './session.ts'
export {
  DEFAULT_STATUS_SESSION_TTL_SECONDS,
  DEFAULT_STATUS_STATE_TTL_SECONDS,
  type StatusPageSettings,
} from './settings.ts'
export {
  beginStatusSignIn,
  completeStatusSignIn,
  statusSignInCookieName,
  statusSignInQuery,
  type StartedStatusSignIn,
  type StatusSignInQuery,
  type StatusSignInResult,
} from './sign-in.ts'
export {
  statusPageView,
  type RemovedEntry,
  type StatusHistoryItem,
  type StatusPageView,
  type StatusSettingRow,
  type StatusTrustFinding,
} from './view.ts'
