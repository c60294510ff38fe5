import { describe, expect, it } from 'vitest'
import {
  decideTenantBinding,
  describeBindingRefusal,
  publicStepMessage,
  type TenantBindingFacts,
} from '../src/index.ts'

const PARTNER = '11111111-1111-4111-8111-111111111111'
const CONTOSO = '22222222-2222-4222-8222-222222222222'
const OTHER = '33333333-3333-4333-8333-333333333333'

const facts = (over: Partial<TenantBindingFacts>): TenantBindingFacts => ({
  signedInTenantId: CONTOSO,
  boundTenantId: null,
  expectedTenantId: null,
  confirmedTenantId: null,
  partnerTenantId: PARTNER,
  heldByAnotherCustomer: false,
  ...over,
})

describe('decideTenantBinding', () => {
  it.each([
    ['the bound tenant again', facts({ boundTenantId: CONTOSO }), { accepted: true, basis: 'bound' }],
    ['the expected tenant', facts({ expectedTenantId: CONTOSO }), { accepted: true, basis: 'expected' }],
    [
      'the expected tenant in another case',
      facts({ expectedTenantId: CONTOSO.toUpperCase() }),
      { accepted: true, basis: 'expected' },
    ],
    ['a first-time tenant', facts({}), { accepted: true, basis: 'first_time' }],
    [
      'a first-time tenant an Operator confirmed',
      facts({ confirmedTenantId: CONTOSO }),
      { accepted: true, basis: 'confirmed' },
    ],
  ])('accepts %s', (_name, input, expected) => {
    expect(decideTenantBinding(input)).toEqual(expected)
  })

  it.each([
    [
      'the partner’s own tenant',
      facts({ signedInTenantId: PARTNER }),
      { accepted: false, reason: 'partner_tenant', expectedTenantId: null },
    ],
    [
      'another tenant than the bound one, even when it was expected at creation',
      facts({ boundTenantId: CONTOSO, expectedTenantId: OTHER, signedInTenantId: OTHER }),
      { accepted: false, reason: 'wrong_tenant', expectedTenantId: CONTOSO },
    ],
    [
      'another tenant than the expected one',
      facts({ expectedTenantId: OTHER }),
      { accepted: false, reason: 'wrong_tenant', expectedTenantId: OTHER },
    ],
    [
      'a first-time tenant another customer holds',
      facts({ heldByAnotherCustomer: true }),
      { accepted: false, reason: 'tenant_taken', expectedTenantId: null },
    ],
    [
      'an expected tenant another customer holds',
      facts({ expectedTenantId: CONTOSO, heldByAnotherCustomer: true }),
      { accepted: false, reason: 'tenant_taken', expectedTenantId: null },
    ],
  ])('refuses %s', (_name, input, expected) => {
    expect(decideTenantBinding(input)).toEqual(expected)
  })
})

describe('describeBindingRefusal', () => {
  const signedIn = { username: 'admin@fabrikam.example', tenantId: OTHER }

  it('tells a wrong-tenant admin which tenant to sign in with', () => {
    const words = describeBindingRefusal(
      { accepted: false, reason: 'wrong_tenant', expectedTenantId: CONTOSO },
      'Truesec',
      signedIn,
    )
    expect(words.title).toBe('Wrong tenant')
    expect(words.message).toBe(
      `admin@fabrikam.example belongs to tenant ${OTHER}, but this link is for tenant ${CONTOSO}.`,
    )
    expect(words.nextStep).toBe(
      `Sign in with an administrator of tenant ${CONTOSO}, or ask Truesec for a link for this tenant.`,
    )
  })

  it('names no other customer when the tenant is taken', () => {
    const words = describeBindingRefusal(
      { accepted: false, reason: 'tenant_taken', expectedTenantId: null },
      'Truesec',
      signedIn,
    )
    expect(`${words.title} ${words.message} ${words.nextStep}`).toBe(
      `Tenant already connected Tenant ${OTHER} is already connected to Truesec under another customer record. Contact Truesec: they can check which link belongs to your organization.`,
    )
  })
})

describe('publicStepMessage', () => {
  it('shows fixed sentences, never a stored message', () => {
    expect(publicStepMessage('access_verified', 'succeeded', 'Truesec')).toBe('Access to your tenant works.')
    expect(publicStepMessage('access_verified', 'failed', 'Truesec')).toBe(
      'Crosstrust could not yet access your tenant with the consent you granted. Truesec has been told and will follow up; you need not do anything now.',
    )
    expect(publicStepMessage('tenant_confirmed', 'pending', 'Truesec')).toBe(
      'Waiting for Truesec to confirm your tenant.',
    )
    expect(publicStepMessage('policy_applied', 'pending', 'Truesec')).toBeNull()
  })
})
