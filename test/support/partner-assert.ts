// "Configured" as the partner policy defines it, checked on the simulator's stored partner entry (not on
// what Graph reads return, which may lag): the owned fields equal the policy, and outbound access, tenant
// restrictions and B2B direct connect are still inherited (null).
import { expect } from 'vitest'
import { buildCreateBody, defaultPolicy, evaluatePartner } from '@crosstrust/core'
import { compliantPartnerFields } from '@crosstrust/testkit/fixtures'
import { emptyPartner } from '../../packages/ms-sim/src/graph/partner-model.ts'
import { DEMO_IDS, type System } from './system.ts'

export const PARTNER = DEMO_IDS.partnerTenantId

export function storedPartner(sys: System, tenantId: string): Record<string, unknown> | undefined {
  const tenant = sys.sim.state.requireTenant(tenantId)
  return tenant.partners.get(PARTNER)
}

export function expectConfigured(sys: System, tenantId: string): void {
  const stored = storedPartner(sys, tenantId)
  if (!stored) expect.fail(`no partner entry for ${PARTNER} in tenant ${tenantId}`)
  const desired = buildCreateBody(defaultPolicy, PARTNER)
  expect(stored.b2bCollaborationInbound).toEqual(desired.b2bCollaborationInbound)
  expect(stored.inboundTrust).toEqual(compliantPartnerFields().inboundTrust)
  expect((stored.automaticUserConsentSettings as Record<string, unknown> | null)?.inboundAllowed).toBe(false)
  for (const inherited of [
    'b2bCollaborationOutbound',
    'b2bDirectConnectOutbound',
    'b2bDirectConnectInbound',
    'tenantRestrictions',
  ]) {
    expect(stored[inherited] ?? null, inherited).toBeNull()
  }
  expect(stored.isServiceProvider ?? null).not.toBe(true)
  expect(evaluatePartner(defaultPolicy, stored, [], new Date()).status).toBe('compliant')
}

/**
 * The whole stored entry, property by property: a partner entry Crosstrust created holds the policy and
 * nothing else (every property the policy does not own keeps the value a fresh entry has).
 */
export function expectExactlyPolicy(sys: System, tenantId: string): void {
  expect(storedPartner(sys, tenantId)).toEqual({ ...emptyPartner(PARTNER), ...compliantPartnerFields() })
}
