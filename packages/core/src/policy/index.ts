export type * from './types.ts'
export { defaultPolicy } from './default-policy.ts'
export { policyDefinitionSchema, parsePolicyDefinition, UPDATABLE_PARTNER_PROPERTIES } from './schema.ts'
export { fieldMatches, normaliseAccessSetting, normaliseObserved } from './compare.ts'
export { readPath } from './paths.ts'
export { buildCreateBody, buildPatchBody } from './bodies.ts'
export type { AcceptedDeviation, AppliedDeviation } from './deviations.ts'
export { findAcceptedDeviation, isDeviationActive } from './deviations.ts'
export type { Evaluation, EvaluationStatus, FieldResult } from './evaluate.ts'
export { driftedFields, evaluatePartner, hasRepairableDrift } from './evaluate.ts'
export type { OwnedSnapshot } from './snapshot.ts'
export { hashSnapshot, snapshotOwnedFields } from './snapshot.ts'
export type { ColumnState, VerificationView } from './verification-view.ts'
export {
  expectedVerificationView,
  verificationView,
  verificationViewOfSnapshot,
} from './verification-view.ts'
