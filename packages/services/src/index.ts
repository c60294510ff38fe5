// @crosstrust/services: application services. They orchestrate the pure domain (@crosstrust/core), the
// database (@crosstrust/db) and Microsoft (@crosstrust/microsoft) behind ports; apps only compose them.
export * from './context.ts'
export { recordAudit, type AuditInput } from './audit.ts'
export * from './audit-chain.ts'
export * from './customers.ts'
export * from './consent/index.ts'
export { loadSteps, moveStep, resetFrom } from './onboarding-steps.ts'
export { currentPolicy } from './policy-store.ts'
export {
  runOnboarding,
  OnboardingRetryLater,
  type OnboardingDeps,
  type OnboardingOutcome,
  type OnboardingSettings,
} from './onboarding-runner.ts'
export * from './notifications/index.ts'
export * from './monitoring/index.ts'
export * from './policy/index.ts'
export * from './staff/queries.ts'
export * from './effective-trust/index.ts'
