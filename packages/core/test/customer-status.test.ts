// The customer status (Lighthouse's vocabulary) from the stored states. Table tests: one row per situation.
import { describe, expect, it } from 'vitest'
import type { CustomerStatusCode, CustomerStatusFacts, NotifiableState } from '../src/index.ts'
import {
  CHECK_FAILURES_FOR_ERROR,
  CUSTOMER_STATUSES,
  CUSTOMER_STATUS_LABELS,
  buildJsonPayload,
  buildSlackPayload,
  customerStatus,
  customerStatusAfter,
} from '../src/index.ts'

const managedFacts: CustomerStatusFacts = {
  onboardingState: 'onboarded',
  complianceState: 'compliant',
  offboardedAt: null,
  consecutiveFailures: 0,
  missingPermissions: [],
  lastFailureReason: null,
}
const facts = (patch: Partial<CustomerStatusFacts>): CustomerStatusFacts => ({ ...managedFacts, ...patch })

const rows: [string, Partial<CustomerStatusFacts>, CustomerStatusCode][] = [
  ['new customer', { onboardingState: 'not_started', complianceState: 'pending' }, 'pending'],
  ['link sent', { onboardingState: 'link_issued', complianceState: 'pending' }, 'pending'],
  ['consent received', { onboardingState: 'consent_received', complianceState: 'pending' }, 'pending'],
  ['tenant to confirm', { onboardingState: 'awaiting_confirmation', complianceState: 'pending' }, 'pending'],
  ['policy written, not verified', { onboardingState: 'policy_applied' }, 'pending'],
  ['onboarding failed', { onboardingState: 'failed', lastFailureReason: 'No licence' }, 'error'],
  ['compliant', {}, 'managed'],
  ['onboarded, first check pending', { complianceState: 'pending' }, 'managed'],
  ['one unknown check', { complianceState: 'unknown', consecutiveFailures: 1 }, 'managed'],
  [
    'checks keep failing',
    { complianceState: 'unknown', consecutiveFailures: CHECK_FAILURES_FOR_ERROR },
    'error',
  ],
  ['drifted', { complianceState: 'drifted' }, 'error'],
  ['drifted and a permission missing', { complianceState: 'drifted', missingPermissions: ['X'] }, 'error'],
  [
    'partner entry deleted by the customer',
    { complianceState: 'removed_by_customer' },
    'removed_by_customer',
  ],
  [
    'consent revoked or app deleted',
    { complianceState: 'access_lost', consecutiveFailures: 4 },
    'access_needed',
  ],
  ['re-consent needed', { missingPermissions: ['Policy.Read.All'] }, 'access_needed'],
  ['offboarding', { onboardingState: 'offboarding' }, 'removed_by_partner'],
  ['offboarded', { onboardingState: 'offboarded', complianceState: 'offboarded' }, 'removed_by_partner'],
  [
    'offboarded earlier, link sent again',
    { onboardingState: 'link_issued', offboardedAt: new Date() },
    'removed_by_partner',
  ],
]

describe('customerStatus', () => {
  it.each(rows)('%s', (_name, patch, expected) => {
    const result = customerStatus(facts(patch))
    expect(result.code).toBe(expected)
    expect(result.label).toBe(CUSTOMER_STATUS_LABELS[expected])
    expect(result.reason.length).toBeGreaterThan(0)
  })

  it('every status but Managed and an onboarding in progress comes with a fix', () => {
    for (const [, patch, code] of rows) {
      const result = customerStatus(facts(patch))
      if (code === 'managed') expect(result.fix).toBeNull()
      else if (code !== 'pending') expect(result.fix).toMatch(/\w/)
    }
  })

  it('names the missing permissions and the failure reason', () => {
    expect(customerStatus(facts({ missingPermissions: ['Policy.Read.All'] })).reason).toContain(
      'Policy.Read.All',
    )
    expect(customerStatus(facts({ onboardingState: 'failed', lastFailureReason: 'No licence' })).reason).toBe(
      'No licence',
    )
  })

  it('covers every status', () => {
    const seen = new Set(rows.map(([, patch]) => customerStatus(facts(patch)).code))
    expect([...seen].sort()).toEqual([...CUSTOMER_STATUSES].sort())
  })
})

describe('customerStatusAfter (notifications)', () => {
  const cases: [NotifiableState, CustomerStatusCode][] = [
    [{ status: 'onboarding' }, 'pending'],
    [{ status: 'onboarding_failed' }, 'error'],
    [{ status: 'compliant' }, 'managed'],
    [{ status: 'remediated' }, 'managed'],
    [{ status: 'drifted' }, 'error'],
    [{ status: 'drifted', removedByCustomer: true }, 'removed_by_customer'],
    [{ status: 'access_lost', removedByCustomer: true }, 'access_needed'],
    [{ status: 'offboarded' }, 'removed_by_partner'],
  ]
  it.each(cases)('%o → %s', (next, expected) => {
    expect(customerStatusAfter(next)).toBe(expected)
  })
})

describe('notification payloads', () => {
  const event = {
    id: 'notify.c1.access_lost.1',
    transition: 'access_lost' as const,
    occurredAt: new Date('2026-12-03T08:00:00Z'),
    customer: { id: 'c1', name: 'Litware', tenantId: null },
    partnerName: 'Truesec Detect AB',
  }
  it('carry the customer status when the event has one', () => {
    expect(buildJsonPayload({ ...event, customerStatus: 'access_needed' }).customerStatus).toEqual({
      code: 'access_needed',
      label: 'Access needed',
    })
    expect(JSON.stringify(buildSlackPayload({ ...event, customerStatus: 'access_needed' }))).toContain(
      '*Status*\\nAccess needed',
    )
    expect(buildJsonPayload(event).customerStatus).toBeNull()
  })
})
