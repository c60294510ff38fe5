// The decisions of one onboarding run, without I/O: whether to run and from where, the tenant it works on,
// a failure's retry, the consent wait and the notified transition. Table tests.
import { describe, expect, it } from 'vitest'
import type { OnboardingStep, OnboardingTenantFacts, StepRecord, StepStatus } from '../src/index.ts'
import {
  ONBOARDING_RUN_STEPS,
  accessVerifiedMessage,
  bindingBasis,
  decideOnboardingFailure,
  initialSteps,
  nextConsentRetry,
  onboardingTenants,
  onboardingTransition,
  planOnboardingRun,
  policyAppliedMessage,
  prerequisitesMessage,
} from '../src/index.ts'

const steps = (statuses: Partial<Record<OnboardingStep, StepStatus>>): StepRecord[] =>
  initialSteps().map((record) => ({ ...record, status: statuses[record.step] ?? 'pending' }))

describe('planOnboardingRun', () => {
  const rows: [string, StepRecord[], ReturnType<typeof planOnboardingRun>][] = [
    ['nothing before a consent', steps({ link_issued: 'succeeded' }), { run: false }],
    [
      'a fresh consent runs from the start',
      steps({ link_issued: 'succeeded', consent_received: 'succeeded' }),
      { run: true, resetFrom: null },
    ],
    [
      'a resumed run redoes every step from access verification',
      steps({
        link_issued: 'succeeded',
        consent_received: 'succeeded',
        access_verified: 'succeeded',
        prerequisites_checked: 'running',
      }),
      { run: true, resetFrom: 'access_verified' },
    ],
    [
      'a failed run is retried from access verification',
      steps({ link_issued: 'succeeded', consent_received: 'succeeded', access_verified: 'failed' }),
      { run: true, resetFrom: 'access_verified' },
    ],
    [
      'nothing after verification',
      steps({
        link_issued: 'succeeded',
        consent_received: 'succeeded',
        access_verified: 'succeeded',
        prerequisites_checked: 'succeeded',
        tenant_confirmed: 'succeeded',
        policy_applied: 'succeeded',
        verified: 'succeeded',
      }),
      { run: false },
    ],
  ]
  it.each(rows)('%s', (_name, given, expected) => {
    expect(planOnboardingRun(given)).toEqual(expected)
  })

  it('runs the four Microsoft-facing steps in order', () => {
    expect(ONBOARDING_RUN_STEPS).toEqual([
      'access_verified',
      'prerequisites_checked',
      'policy_applied',
      'verified',
    ])
  })
})

describe('onboardingTenants and bindingBasis', () => {
  const none: OnboardingTenantFacts = {
    tenantId: null,
    expectedTenantId: null,
    consentedTenantId: null,
    confirmedTenantId: null,
  }
  const rows: [string, OnboardingTenantFacts, ReturnType<typeof onboardingTenants>][] = [
    ['no consent yet', none, { target: null, bindable: null, required: null }],
    [
      'a first-time tenant is read but not bindable',
      { ...none, consentedTenantId: 't-new' },
      { target: 't-new', bindable: null, required: null },
    ],
    [
      'an Operator-confirmed tenant is bindable',
      { ...none, consentedTenantId: 't-new', confirmedTenantId: 't-new' },
      { target: 't-new', bindable: 't-new', required: null },
    ],
    [
      'an expected tenant is the target and required',
      { ...none, expectedTenantId: 't-exp', consentedTenantId: 't-other' },
      { target: 't-exp', bindable: 't-exp', required: 't-exp' },
    ],
    [
      'a bound tenant wins over everything',
      { ...none, tenantId: 't-bound', expectedTenantId: 't-exp' },
      { target: 't-bound', bindable: 't-bound', required: 't-bound' },
    ],
  ]
  it.each(rows)('%s', (_name, given, expected) => {
    expect(onboardingTenants(given)).toEqual(expected)
  })

  it('says why the tenant may be written to', () => {
    const customer = { tenantId: 't-bound', expectedTenantId: 't-exp', tenantConfirmedBy: 'oid-op' }
    expect(bindingBasis(customer, 't-bound')).toBe('The tenant is the one this customer was onboarded with.')
    expect(bindingBasis(customer, 't-exp')).toBe('The tenant is the one given when the customer was created.')
    expect(bindingBasis(customer, 't-new')).toBe('An Operator (oid-op) confirmed the tenant.')
    expect(bindingBasis({ ...customer, tenantConfirmedBy: null }, 't-new')).toBe(
      'An Operator (staff) confirmed the tenant.',
    )
  })
})

describe('decideOnboardingFailure', () => {
  const rows: [
    string,
    Parameters<typeof decideOnboardingFailure>[0],
    ReturnType<typeof decideOnboardingFailure>,
  ][] = [
    [
      'a throttled step with attempts left goes back to the queue',
      { attempt: { current: 1, max: 5 }, microsoftErrorKind: 'throttled', status: 429 },
      {
        action: 'retry_later',
        message: 'Microsoft is busy or unavailable (HTTP 429); retrying automatically (attempt 1 of 5).',
      },
    ],
    [
      'a transient fault without a status names its kind',
      { attempt: { current: 4, max: 5 }, microsoftErrorKind: 'transient', status: undefined },
      {
        action: 'retry_later',
        message: 'Microsoft is busy or unavailable (transient); retrying automatically (attempt 4 of 5).',
      },
    ],
    [
      'the last attempt fails the step',
      { attempt: { current: 5, max: 5 }, microsoftErrorKind: 'throttled', status: 429 },
      { action: 'fail' },
    ],
    [
      'lost access is never retried',
      { attempt: { current: 1, max: 5 }, microsoftErrorKind: 'access_lost', status: 403 },
      { action: 'fail' },
    ],
    [
      'a failure that is not Microsoft’s fails the step',
      { attempt: { current: 1, max: 5 }, microsoftErrorKind: null, status: undefined },
      { action: 'fail' },
    ],
    [
      'a database that was briefly busy goes back to the queue',
      {
        attempt: { current: 2, max: 5 },
        microsoftErrorKind: null,
        status: undefined,
        transientDatabase: true,
      },
      {
        action: 'retry_later',
        message: "Crosstrust's database was briefly busy; retrying automatically (attempt 2 of 5).",
      },
    ],
    [
      'a busy database on the last attempt fails the step',
      {
        attempt: { current: 5, max: 5 },
        microsoftErrorKind: null,
        status: undefined,
        transientDatabase: true,
      },
      { action: 'fail' },
    ],
    [
      'without a job budget nothing is retried',
      { attempt: undefined, microsoftErrorKind: 'transient', status: 503 },
      { action: 'fail' },
    ],
  ]
  it.each(rows)('%s', (_name, given, expected) => {
    expect(decideOnboardingFailure(given)).toEqual(expected)
  })
})

describe('nextConsentRetry', () => {
  const rows: [string, Parameters<typeof nextConsentRetry>[0], ReturnType<typeof nextConsentRetry>][] = [
    [
      'waits, then doubles',
      { now: 0, deadline: 10_000, delayMs: 500, maxDelayMs: 4_000 },
      { waitMs: 500, nextDelayMs: 1_000 },
    ],
    [
      'the doubling is capped',
      { now: 0, deadline: 10_000, delayMs: 4_000, maxDelayMs: 4_000 },
      { waitMs: 4_000, nextDelayMs: 4_000 },
    ],
    [
      'a wait ending exactly at the deadline is allowed',
      { now: 6_000, deadline: 10_000, delayMs: 4_000, maxDelayMs: 4_000 },
      { waitMs: 4_000, nextDelayMs: 4_000 },
    ],
    [
      'a wait past the deadline ends the window',
      { now: 6_001, deadline: 10_000, delayMs: 4_000, maxDelayMs: 4_000 },
      null,
    ],
  ]
  it.each(rows)('%s', (_name, given, expected) => {
    expect(nextConsentRetry(given)).toEqual(expected)
  })
})

describe('onboardingTransition', () => {
  it('notifies from the state read when the run started', () => {
    expect(onboardingTransition('prerequisites_checked', 'onboarded')).toEqual({
      previous: { status: 'onboarding' },
      next: { status: 'compliant' },
    })
    expect(onboardingTransition('failed', 'onboarded')).toEqual({
      previous: { status: 'onboarding_failed' },
      next: { status: 'compliant' },
    })
    expect(onboardingTransition('failed', 'failed')).toEqual({
      previous: { status: 'onboarding_failed' },
      next: { status: 'onboarding_failed' },
    })
  })
})

describe('step messages', () => {
  it('words access, prerequisites and the applied policy for staff', () => {
    expect(
      accessVerifiedMessage({
        tid: 't-1',
        roles: ['Policy.Read.All', 'Policy.ReadWrite.CrossTenantAccess'],
        via: 'token-claims',
      }),
    ).toBe('Access verified for tenant t-1 (Policy.Read.All, Policy.ReadWrite.CrossTenantAccess).')
    expect(accessVerifiedMessage({ tid: 't-1', roles: [], via: 'graph-call' })).toBe(
      'Access verified for tenant t-1 (Microsoft Graph let us read its cross-tenant access policy).',
    )
    expect(policyAppliedMessage('created', 'p-1')).toBe('Partner p-1 added with the policy settings.')
    expect(policyAppliedMessage('patched', 'p-1')).toBe(
      'The existing partner entry was updated to the policy settings.',
    )
    expect(policyAppliedMessage('unchanged', 'p-1')).toBe(
      'The partner entry already matched the policy; nothing was changed.',
    )
    expect(
      prerequisitesMessage({
        displayName: 'Contoso',
        verifiedDomains: [],
        licenceSummary: 'Entra ID P2.',
        partnerExists: false,
        warnings: ['A warning.'],
      }),
    ).toBe(
      'Tenant "Contoso" (no verified domains). Entra ID P2. No partner entry yet; it will be created. A warning.',
    )
  })
})
