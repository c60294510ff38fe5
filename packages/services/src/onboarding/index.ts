export { runOnboarding } from './runner.ts'
export {
  OnboardingRetryLater,
  type OnboardingDeps,
  type OnboardingOutcome,
  type OnboardingSettings,
} from './types.ts'
