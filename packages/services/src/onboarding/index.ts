export { runOnboarding } from './runner.ts'
export {
  OnboardingFailureNotRecorded,
  OnboardingRetryLater,
  type OnboardingDeps,
  type OnboardingOutcome,
  type OnboardingSettings,
} from './types.ts'
