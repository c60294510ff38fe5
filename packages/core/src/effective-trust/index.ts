export * from './types.ts'
export { evaluateEffectiveTrust } from './evaluate.ts'
export { BUILT_IN_MFA_STRENGTH_ID } from './conditional-access.ts'
