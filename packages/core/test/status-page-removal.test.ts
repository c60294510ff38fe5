// The customer's self-service removal: who may remove (from the ID token's `wids` only), the status it leads
// to (Removed by customer, distinct from our own offboarding) and the one notification it raises.
import { describe, expect, it } from 'vitest'
import type { CustomerStatusFacts } from '../src/index.ts'
import {
  customerStatus,
  customerStatusAfter,
  detectTransition,
  mayRemovePartnerConfiguration,
} from '../src/index.ts'

const GLOBAL_ADMIN = '62e90394-69f5-4237-9190-012177145e10'
const SECURITY_ADMIN = '194ae4cb-b126-40b2-bd5b-6091b380977d'
const DEFAULT_USER_ROLE = 'b79fbf4d-3ef9-4689-8143-76b194e85509'
const HELPDESK_ADMIN = '729827e3-9c14-49f7-bb1b-9608f156bbb8'

describe('mayRemovePartnerConfiguration', () => {
  it('allows a Global Administrator and a Security Administrator', () => {
    expect(mayRemovePartnerConfiguration([DEFAULT_USER_ROLE, GLOBAL_ADMIN])).toEqual({
      allowed: true,
      role: 'Global Administrator',
    })
    expect(mayRemovePartnerConfiguration([SECURITY_ADMIN.toUpperCase()])).toEqual({
      allowed: true,
      role: 'Security Administrator',
    })
  })

  it('refuses an admin of another role, and a plain user', () => {
    for (const roles of [[HELPDESK_ADMIN], [DEFAULT_USER_ROLE], []]) {
      expect(mayRemovePartnerConfiguration(roles)).toMatchObject({
        allowed: false,
        reason: 'no_allowed_role',
      })
    }
  })

  it('tells an admin whose role is only eligible in PIM (not in `wids`) to activate it and sign in again', () => {
    const decision = mayRemovePartnerConfiguration([DEFAULT_USER_ROLE])
    expect(decision.allowed ? '' : decision.explanation).toMatch(
      /eligible in Privileged Identity Management, activate it and sign in again/,
    )
  })

  it('fails closed when the token carried no `wids` claim', () => {
    const decision = mayRemovePartnerConfiguration(null)
    expect(decision).toMatchObject({ allowed: false, reason: 'roles_unknown' })
    expect(decision.allowed ? '' : decision.explanation).toMatch(
      /Microsoft did not tell us your directory roles/,
    )
  })

  it('does not match a role id by prefix or inside another string', () => {
    expect(mayRemovePartnerConfiguration([`${GLOBAL_ADMIN}x`, `x${SECURITY_ADMIN}`]).allowed).toBe(false)
  })
})

const offboarded: CustomerStatusFacts = {
  onboardingState: 'offboarded',
  complianceState: 'offboarded',
  offboardedAt: new Date('2026-12-03T12:00:00Z'),
  consecutiveFailures: 0,
  missingPermissions: [],
  lastFailureReason: null,
}

describe('status after a removal', () => {
  it('the way back is a new customer, not a fresh consent link (which an offboarded customer cannot use)', () => {
    for (const offboardedBy of ['customer', 'partner'] as const) {
      for (const onboardingState of ['offboarding', 'offboarded'] as const) {
        const { fix } = customerStatus({ ...offboarded, onboardingState, offboardedBy })
        expect(fix).toMatch(/create the customer again/)
        expect(fix).not.toMatch(/send a fresh consent link/i)
      }
    }
  })

  it('is Removed by customer when the customer removed it, Removed by partner when we did', () => {
    expect(customerStatus({ ...offboarded, offboardedBy: 'customer' }).code).toBe('removed_by_customer')
    expect(
      customerStatus({ ...offboarded, onboardingState: 'offboarding', offboardedBy: 'customer' }).code,
    ).toBe('removed_by_customer')
    expect(customerStatus({ ...offboarded, offboardedBy: 'partner' }).code).toBe('removed_by_partner')
    // Stored before anyone recorded who removed it: our own offboarding was the only way.
    expect(customerStatus({ ...offboarded, offboardedBy: null }).code).toBe('removed_by_partner')
    expect(customerStatus(offboarded).code).toBe('removed_by_partner')
  })

  it('notifies once when the customer removed it, never for our own offboarding', () => {
    const compliant = { status: 'compliant' as const }
    const removed = { status: 'offboarded' as const, removedByCustomer: true }
    expect(detectTransition(compliant, removed)).toEqual(['removed_by_customer'])
    expect(detectTransition(removed, removed)).toEqual([])
    expect(detectTransition(compliant, { status: 'offboarded' })).toEqual([])
    expect(customerStatusAfter(removed)).toBe('removed_by_customer')
    expect(customerStatusAfter({ status: 'offboarded' })).toBe('removed_by_partner')
  })
})
