// The behaviour switches' values: Microsoft's behaviour as the defaults, and the named kinder switch sets a
// test opts into (with a comment saying why) when the behaviour it checks is not the one being waited out.
import type { TenantSettings } from './seed-schema.ts'

/**
 * Microsoft's behaviour: the one profile the test suite, the demo and the benchmarks run on. Kinder and harsher
 * variants are switches a test sets for its own tenant. The waits are eventual consistency, which Microsoft
 * documents without a duration (docs/microsoft-behaviour.md: consent replication, read-after-write lag, 404
 * after create): public reports range from seconds to minutes, so every tenant gets "a few seconds", the short
 * end, which the product's retries must absorb while the suite stays quick.
 */
export const DEFAULT_SETTINGS: Required<TenantSettings> = {
  /** After admin consent: the token endpoint answers consentMissingErrorCode for 2 s… */
  consentMissingSeconds: 2,
  /** …then issues tokens without `roles` for 1 s more. */
  consentNoRolesSeconds: 1,
  consentMissingErrorCode: 7000229,
  /** Reads of a partner entry see the previous value (or 404 after a create) for 1 s after a Graph write. */
  readLagSeconds: 1,
  unlicensedInboundTrust: 'accept',
  consentCancelError: 'consent_required',
  revocationEffect: 'token-expiry',
  rolesRemovedBehavior: 'token-without-roles',
  missingServicePrincipalErrorCode: 7000229,
  auditIngestionDelaySeconds: 120,
  partnersPageSize: 100,
  conditionalAccessPageSize: 100,
  partnerDeleteWithIdentitySyncErrorCode: 'Request_BadRequest',
  graphTokenFormat: 'jwt',
  /** PATCH/DELETE of a partner answer 404 for 1 s after its Graph POST. */
  createNotFoundSeconds: 1,
  appTokenLifetimeSeconds: 3599,
  partnerPatchNested: 'replace',
  partnerPatchNull: 'reset-to-inherited',
  mixedAccessTypes: 'reject-400',
  /**
   * The answers of a `POST /v1.0/$batch` come in another order than the requests (never the same order when
   * there are two or more): Microsoft documents that they may, so clients must match them by `id`.
   */
  batchResponseOrder: 'shuffled',
  /**
   * The status of a `$batch` envelope when a request inside was throttled: Microsoft's throttling guidance
   * says the batch itself then fails with 424 Failed Dependency (its `responses` still carry every answer,
   * the throttled ones with their own 429 and Retry-After); clients also meet 200. `424` (default) or `200`.
   */
  batchThrottledStatus: 424,
}

/**
 * No consent replication: tokens carry the granted roles the moment consent is given. For tests of something
 * else that happens right after a consent (the replication has its own tests).
 */
export const INSTANT_REPLICATION = {
  consentMissingSeconds: 0,
  consentNoRolesSeconds: 0,
} as const satisfies TenantSettings

/**
 * No read-after-write lag and no 404 right after a create: for conformance tests of what a single Graph
 * request does (the eventual consistency has its own tests in test/write-lag.test.ts).
 */
export const INSTANT_CONSISTENCY = {
  readLagSeconds: 0,
  createNotFoundSeconds: 0,
} as const satisfies TenantSettings

/**
 * The answers of a JSON batch in the order of its requests: for tests that read a batch's answers by eye or
 * compare whole logs (matching by `id` has its own tests in test/graph-batch.test.ts).
 */
export const BATCH_ANSWERS_IN_ORDER = {
  batchResponseOrder: 'request',
} as const satisfies TenantSettings
