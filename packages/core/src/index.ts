// @crosstrust/core: the pure domain. No I/O, no framework, no process.env: callers pass data and time in.
export * from './policy/index.ts'
export * from './onboarding/index.ts'
export * from './monitoring/index.ts'
export * from './notifications/index.ts'
export * from './errors.ts'
export * from './tokens.ts'
export * from './link-delivery.ts'
export {
  CONSUMER_TENANT_ID,
  tenantEligibility,
  type TenantDiscoveryFacts,
  type TenantEligibility,
} from './tenant-eligibility.ts'
export {
  describeLicence,
  type LicenceDescription,
  type LicenceFacts,
  type LicenceStateName,
} from './licence.ts'
export type { GraphErrorKind } from './graph-error-kind.ts'
export { GRAPH_ERROR_KINDS } from './graph-error-kind.ts'
export { canonicalJson, sha256Hex } from './canonical-json.ts'
export { AUDIT_CHAIN_GENESIS, auditEventHash, canonicalJsonText, type AuditChainRow } from './audit-chain.ts'
export * from './effective-trust/index.ts'
export * from './evidence/index.ts'
export * from './attribution/index.ts'
export * from './customer-status/index.ts'
export * from './consent-email/index.ts'
