// The customer page's presenter: what the page shows and offers, decided from service data alone (no HTTP).
import { defaultPolicy } from '@crosstrust/core'
import type { CustomerDetail, JsonValue } from '@crosstrust/services'
import { describe, expect, it } from 'vitest'
import { presentCustomerDetail } from '../src/routes/dashboard/customer-detail/presenter.ts'
import type { StaffViewer } from '../src/routes/dashboard/ui/staff-page.tsx'

const now = new Date('2026-12-03T08:00:00Z')
const viewer = (roles: 'Viewer' | 'Operator' | 'Admin'): StaffViewer => ({
  csrfToken: 't',
  operator: roles !== 'Viewer',
  admin: roles === 'Admin',
  name: 'Oskar Operator',
  username: 'oskar@partner.example',
})

function detail(
  over: Partial<CustomerDetail['customer']>,
  rest: Partial<CustomerDetail> = {},
): CustomerDetail {
  return {
    customer: {
      id: 'c1',
      name: 'Litware',
      tenantId: null,
      expectedTenantId: null,
      expectedDomain: 'litware.example',
      verifiedDomains: [],
      tenantDisplayName: null,
      onboardingState: 'onboarded',
      complianceState: 'compliant',
      compliantPolicyVersion: 1,
      lastFailureReason: null,
      mode: null,
      ...over,
    } as CustomerDetail['customer'],
    status: { code: 'managed', label: 'Managed', reason: 'In place.', fix: null },
    verification: null,
    observed: null,
    currentDiff: null,
    steps: [],
    latestRun: null,
    activeDeviations: [],
    consentLinks: [],
    recentRuns: [],
    recentAudit: [],
    ...rest,
  }
}

const present = (d: CustomerDetail, who: 'Viewer' | 'Operator' | 'Admin') =>
  presentCustomerDetail({
    detail: d,
    policy: defaultPolicy,
    trust: null,
    drifts: { attributionEnabled: false, items: [] },
    pending: null,
    viewer: viewer(who),
    partnerName: 'Truesec Detect AB',
    defaultMode: 'alert',
    now,
  })

describe('customer page presenter', () => {
  it('offers each action by role and state', () => {
    expect(present(detail({}), 'Viewer').actions).toBeNull()
    expect(present(detail({}), 'Operator').actions).toEqual({
      recheck: true,
      apply: true,
      consentLink: 'again',
      mode: false,
      offboard: false,
    })
    expect(present(detail({ onboardingState: 'link_issued' }), 'Admin').actions).toEqual({
      recheck: false,
      apply: false,
      consentLink: 'first',
      mode: true,
      offboard: true,
    })
    expect(present(detail({ onboardingState: 'offboarded' }), 'Admin').actions).toEqual({
      recheck: false,
      apply: false,
      consentLink: null,
      mode: false,
      offboard: false,
    })
  })

  it('lets only Admins switch attribution, and not for an offboarded customer', () => {
    expect(present(detail({}), 'Operator').drift).toEqual({ enabled: false, items: [], canSwitch: false })
    expect(present(detail({}), 'Admin').drift.canSwitch).toBe(true)
    expect(present(detail({ onboardingState: 'offboarded' }), 'Admin').drift.canSwitch).toBe(false)
  })

  it('refreshes only while onboarding moves on its own', () => {
    expect(present(detail({ onboardingState: 'consent_received' }), 'Viewer').waiting).toBe(true)
    expect(present(detail({ onboardingState: 'awaiting_confirmation' }), 'Viewer').waiting).toBe(false)
    expect(present(detail({}), 'Viewer').waiting).toBe(false)
  })

  it('explains a failed onboarding with the step that failed', () => {
    const failed = detail(
      { onboardingState: 'failed', lastFailureReason: 'fallback' },
      {
        steps: [
          {
            step: 'prerequisites_checked',
            status: 'failed',
            attempts: 1,
            message: 'No Entra ID P1 licence.',
            startedAt: now,
            finishedAt: now,
            updatedAt: now,
          },
        ],
      },
    )
    expect(present(failed, 'Viewer').problem).toEqual({
      kind: 'onboarding_failed',
      step: 'Tenant and licence checked',
      message: 'No Entra ID P1 licence.',
    })
    expect(present(detail({ complianceState: 'access_lost' }), 'Viewer').problem).toEqual({
      kind: 'access_lost',
      reason: 'Consent was revoked or the app was removed in the customer’s tenant.',
    })
  })

  it('words desired and observed values and marks what differs', () => {
    const observed: Record<string, JsonValue> = Object.fromEntries(
      defaultPolicy.fields.map((f) => [f.path, null]),
    )
    observed['inboundTrust.isMfaAccepted'] = false
    const view = present(
      detail(
        { complianceState: 'drifted' },
        {
          observed,
          currentDiff: {
            status: 'drifted',
            removalKind: null,
            fields: [
              {
                path: 'inboundTrust.isMfaAccepted',
                label: 'Trust settings → Trust multifactor authentication from Microsoft Entra tenants',
                desired: true,
                observed: false,
                remediation: 'repairable',
                accepted: null,
                drift: true,
              },
            ],
          },
        },
      ),
      'Operator',
    )
    const mfa = view.policy.fields.find((f) => f.path === 'inboundTrust.isMfaAccepted')
    expect(mfa).toMatchObject({
      desired: 'On (checked)',
      observed: 'Off (unchecked)',
      differs: true,
      drifted: true,
      status: { kind: 'differs', repairable: true },
    })
    expect(view.policy.firstDrifted).toBe('inboundTrust.isMfaAccepted')
    expect(view.policy.manageDeviations).toBe(true)
    expect(view.policy.expiry).toEqual({ default: '2027-01-02', min: '2026-12-04', max: '2027-12-03' })
    expect(present(detail({}), 'Operator').policy.fields.every((f) => f.status.kind === 'unchecked')).toBe(
      true,
    )
  })
})
