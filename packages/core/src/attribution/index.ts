export * from './types.ts'
export {
  CROSS_TENANT_ACCESS_CATEGORY,
  DEFAULT_POLICY_ACTIVITIES,
  PARTNER_ACTIVITIES,
  isDefaultPolicyActivity,
  isPartnerActivity,
} from './activities.ts'
export { selectAttributionEntries, type AttributionSubject } from './match.ts'
export { describeActor, describeAttributionEntry, describeChanges, summarizeAttribution } from './describe.ts'
export {
  ATTRIBUTION_MAX_LOOKUPS,
  ATTRIBUTION_PERMISSIONS,
  ATTRIBUTION_RETRY_DELAYS_SECONDS,
  attributionWindow,
  decideLookup,
  missingAttributionPermissions,
  type LookupDecision,
} from './lookup.ts'
export {
  DEFAULT_POLICY_CHANGED_SENTENCE,
  DEFAULT_POLICY_CHANGED_TEXT,
  DEFAULT_POLICY_TRUST_MEMBERS,
  decideDefaultPolicyChange,
  decodeDefaultPolicyReading,
  defaultPolicyFingerprints,
  encodeDefaultPolicyReading,
  inheritedDefaultMembers,
  type DefaultPolicyChange,
  type DefaultPolicyFingerprints,
  type DefaultPolicyMember,
  type DefaultPolicyObservation,
  type DefaultPolicyReading,
} from './default-policy.ts'
