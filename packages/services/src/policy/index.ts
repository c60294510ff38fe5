export {
  publishPolicyVersion,
  validatePolicyDefinition,
  type PublishedPolicyVersion,
} from './publish-policy-version.ts'
export { rolloutStatus, startRollout, type RolloutOptions, type RolloutProgress } from './rollout.ts'
export {
  currentPolicyVersion,
  listPolicyVersions,
  type CurrentPolicyInfo,
  type PolicyVersionSummary,
} from './policy-overview.ts'
