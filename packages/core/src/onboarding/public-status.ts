// What the customer's administrator sees of each onboarding step on the public result page. Stored step
// messages are written for staff (tenant details, other customers, Microsoft error payloads); the public page
// shows only these fixed sentences, so nothing from another customer or from an exception can leak there.
import type { OnboardingStep, StepStatus } from './steps.ts'

const DONE: Record<OnboardingStep, string> = {
  link_issued: 'The consent link was issued.',
  consent_received: 'You granted admin consent.',
  access_verified: 'Access to your tenant works.',
  prerequisites_checked: 'Your tenant and licences were read.',
  tenant_confirmed: 'Your tenant is confirmed for this connection.',
  policy_applied: 'The cross-tenant access settings were applied.',
  verified: 'The settings were read back and match.',
}

const FAILED: Record<OnboardingStep, string> = {
  link_issued: 'The consent link could not be issued.',
  consent_received: 'Admin consent was not granted.',
  access_verified: 'Crosstrust could not yet access your tenant with the consent you granted.',
  prerequisites_checked: 'Your tenant could not be read.',
  tenant_confirmed: 'Your tenant could not be confirmed for this connection.',
  policy_applied: 'The cross-tenant access settings could not be applied.',
  verified: 'The settings could not be verified yet.',
}

export function publicStepMessage(
  step: OnboardingStep,
  status: StepStatus,
  partnerName: string,
): string | null {
  switch (status) {
    case 'succeeded':
      return DONE[step]
    case 'failed':
      return `${FAILED[step]} ${partnerName} has been told and will follow up; you need not do anything now.`
    case 'running':
      return 'In progress…'
    case 'pending':
      return step === 'tenant_confirmed' ? `Waiting for ${partnerName} to confirm your tenant.` : null
    case 'skipped':
      return 'Not needed.'
  }
}
