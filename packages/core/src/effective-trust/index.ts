export * from './types.ts'
export { evaluateEffectiveTrust } from './evaluate.ts'
export { BUILT_IN_MFA_STRENGTH_ID } from './conditional-access.ts'
export { EFFECTIVE_TRUST_PERMISSIONS, missingTrustPermissions } from './permissions.ts'
