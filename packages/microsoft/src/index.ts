// @crosstrust/microsoft: the only code that talks to Microsoft (identity platform + Graph).
export * from './errors.ts'
export { buildAdminConsentUrl, type AdminConsentUrlOptions } from './admin-consent-url.ts'
export {
  AdminSignInError,
  createAdminSignIn,
  createIdTokenVerifier,
  type AdminSignIn,
  type AdminSignInOptions,
  type SignedInAdmin,
  type SignInRequest,
} from './admin-sign-in.ts'
export { loadClientCredential } from './credential-file.ts'
export { createStaffSignInClient, type StaffSignInClient } from './staff-sign-in-client.ts'
export { MAX_RETRY_AFTER_MS, parseRetryAfter } from './retry-after.ts'
export { backoffDelay, sleepAtLeast, type BackoffOptions } from './backoff.ts'
export { classifyTokenError, CONSENT_PENDING_CODES, CONFIGURATION_CODES } from './classify-token-error.ts'
export { classifyGraphError, type GraphFailure } from './classify-graph-error.ts'
export {
  createTokenProvider,
  msalCredential,
  GRAPH_DEFAULT_SCOPE,
  POLICY_WRITE_ROLE,
  type AppToken,
  type ClientCredential,
  type TokenProvider,
  type TokenProviderOptions,
  type TokenProviderStats,
} from './token-provider.ts'
export {
  createGraphGateway,
  type CallOptions,
  type GraphGateway,
  type GraphGatewayOptions,
  type GraphPartner,
  type GraphPartnerBody,
  type GraphResult,
  type Organization,
  type Settled,
  type TenantState,
  type TenantStateRequest,
} from './graph-gateway.ts'
export { directoryAuditFilter, type DirectoryAuditQuery } from './directory-audits.ts'
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from './graph-middleware.ts'
export {
  licenceStateOf,
  summarizeLicences,
  type EntraLicenceLevel,
  type EntraSubscription,
  type LicenceState,
  type LicenceSummary,
  type SubscribedSku,
} from './licences.ts'
export { proveAccess, type AccessProof } from './prove-access.ts'
export { resolveTenant, type ResolvedTenant } from './resolve-tenant.ts'
export {
  deletePartnerPolicy,
  readBackUntil,
  type DeletePartnerPolicyResult,
  upsertPartnerPolicy,
  type LagRetry,
  type PartnerPolicyGateway,
  type ReadBackOptions,
  type ReadBackResult,
  type UpsertPartnerPolicyOptions,
  type UpsertPartnerPolicyResult,
} from './upsert-partner-policy.ts'
export { UPDATABLE_PARTNER_PROPERTIES, recreateBody } from './recreate-partner-policy.ts'
export { LruMap } from './lru-map.ts'
export type { MicrosoftLogger, MicrosoftMetrics } from './logger.ts'
