export type { OnboardingStep, StepStatus } from './steps.ts'
export { ONBOARDING_STEPS, STEP_STATUSES, canTransitionStatus, isStepDone, stepIndex } from './steps.ts'
export type { StepRecord } from './transitions.ts'
export {
  currentStep,
  initialSteps,
  resetStepsFrom,
  startStep,
  transitionError,
  transitionStep,
} from './transitions.ts'
export type { OffboardingPhase, OnboardingState } from './state.ts'
export { ONBOARDING_STATES, deriveOnboardingState, isTerminalOnboardingState } from './state.ts'
export type { OnboardingProblem, ProblemMessage } from './messages.ts'
export { consentErrorKind, describeOnboardingProblem } from './messages.ts'
export type { BindingRefusalMessage, TenantBinding, TenantBindingFacts } from './tenant-binding.ts'
export { decideTenantBinding, describeBindingRefusal } from './tenant-binding.ts'
export { publicStepMessage } from './public-status.ts'
export type {
  ConsentRetryWindow,
  OnboardingFailureFacts,
  OnboardingRunStart,
  OnboardingTenantFacts,
} from './run-plan.ts'
export {
  ONBOARDING_RUN_STEPS,
  bindingBasis,
  decideOnboardingFailure,
  nextConsentRetry,
  onboardingTenants,
  onboardingTransition,
  planOnboardingRun,
} from './run-plan.ts'
export { accessVerifiedMessage, policyAppliedMessage, prerequisitesMessage } from './step-messages.ts'
