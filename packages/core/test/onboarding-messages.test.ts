import { describe, expect, it } from 'vitest'
import { GRAPH_ERROR_KINDS, consentErrorKind, describeOnboardingProblem } from '../src/index.ts'

describe('onboarding problem messages', () => {
  it("explain a declined consent with the admin's reason, first line only", () => {
    const text = describeOnboardingProblem({
      kind: 'consent_declined',
      error: 'consent_required',
      adminReason:
        'AADSTS65004: The resource owner or authorization server denied the request.\r\nTrace ID: 0000',
    })
    expect(text.title).toBe('Consent declined')
    expect(text.message).toContain(
      'AADSTS65004: The resource owner or authorization server denied the request.',
    )
    expect(text.message).not.toContain('Trace ID')
    expect(text.nextStep).toMatch(/consent link/)
  })

  it('bound an attacker-sized reason', () => {
    const text = describeOnboardingProblem({
      kind: 'consent_cancelled',
      error: 'access_denied',
      adminReason: 'x'.repeat(5000),
    })
    expect(text.message.length).toBeLessThan(500)
  })

  it('tell declined from cancelled', () => {
    expect(consentErrorKind('access_denied')).toBe('consent_cancelled')
    expect(consentErrorKind('permission_denied', 'The admin canceled the request')).toBe('consent_cancelled')
    expect(consentErrorKind('consent_required', 'AADSTS65004: ... denied the request')).toBe(
      'consent_declined',
    )
  })

  it('tell an account without an admin role apart (AADSTS90094/90093), whatever the error parameter', () => {
    const reason =
      'AADSTS90094: Crosstrust needs permission to access resources in your organization.\r\nTrace ID: 1'
    expect(consentErrorKind('access_denied', reason)).toBe('consent_not_admin')
    expect(consentErrorKind('consent_required', 'AADSTS90093: needs permission')).toBe('consent_not_admin')
    expect(consentErrorKind('access_denied', 'see AADSTS90094 later')).toBe('consent_cancelled')
    const text = describeOnboardingProblem({
      kind: 'consent_not_admin',
      error: 'access_denied',
      adminReason: reason,
      tenant: 'tenant aaa',
      account: 'rita@example.com',
    })
    expect(text.title).toBe('Administrator role needed')
    expect(text.message).toMatch(
      /^The account rita@example\.com is not a Global Administrator or Privileged Role Administrator of tenant aaa/,
    )
    expect(text.message).not.toContain('Trace ID')
    expect(text.nextStep).toBe(
      'Ask a Global Administrator or Privileged Role Administrator of tenant aaa to open the link.',
    )
    expect(text.nextStep).not.toMatch(/try again/i)
    expect(describeOnboardingProblem({ kind: 'consent_not_admin', error: 'x' }).message).toMatch(
      /^This account is not a Global Administrator or Privileged Role Administrator of your organization/,
    )
  })

  it('name both tenants on a mismatch', () => {
    const text = describeOnboardingProblem({ kind: 'tenant_mismatch', expected: 'aaa', actual: 'bbb' })
    expect(text.message).toBe('Consent was granted in tenant bbb, but this customer expects tenant aaa.')
  })

  it('list missing roles, the replication window and the licence warning', () => {
    expect(
      describeOnboardingProblem({ kind: 'missing_roles', missing: ['Policy.ReadWrite.CrossTenantAccess'] })
        .message,
    ).toContain('Policy.ReadWrite.CrossTenantAccess')
    const replication = describeOnboardingProblem({
      kind: 'consent_not_replicated',
      waitedSeconds: 600,
      lastErrorCode: 'AADSTS7000229',
    })
    expect(replication.message).toBe(
      'Microsoft had not made the consent effective after 600 seconds (last error AADSTS7000229).',
    )
    const licence = describeOnboardingProblem({ kind: 'licence_warning', missing: 'Entra ID P1/P2' })
    expect(licence.severity).toBe('warning')
  })

  it('describe every Graph error kind with status, code and request id', () => {
    const titles = new Set<string>()
    for (const errorKind of GRAPH_ERROR_KINDS) {
      const text = describeOnboardingProblem({
        kind: 'graph_error',
        errorKind,
        status: 403,
        code: 'Authorization_RequestDenied',
        requestId: 'r-1',
      })
      expect(text.message).toContain('HTTP 403, Authorization_RequestDenied, request-id r-1')
      expect(text.nextStep.length).toBeGreaterThan(10)
      titles.add(text.title)
    }
    expect(titles.size).toBe(GRAPH_ERROR_KINDS.length)
    expect(describeOnboardingProblem({ kind: 'graph_error', errorKind: 'transient' }).message).toContain(
      'no details',
    )
  })
})
