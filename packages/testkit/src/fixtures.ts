// Shared test data, importable without a database (`@crosstrust/testkit/fixtures`): partner entries in the
// state the default policy (version 1) wants, as Microsoft Graph v1.0 returns them
// (https://learn.microsoft.com/graph/api/resources/crosstenantaccesspolicyconfigurationpartner); and helpers for
// tests that run the simulator and the database: partner entries read and tampered with, consented tenants,
// onboarded customer rows, notifications recorded. Type imports only, so nothing here opens a connection.
import type { Db } from '@crosstrust/db'

/** The partner tenant of the tests (the demo's partner). */
export const PARTNER_TENANT_ID = '07d2f395-f69c-43ab-88a2-b82f1151042d'

/**
 * The fields the default policy owns, each in its compliant state: B2B collaboration inbound allowed for all
 * users and all applications, MFA and compliant devices trusted, hybrid-joined devices not, no automatic
 * user consent inbound. Fresh objects on every call, so a test may change its copy.
 */
export function compliantPartnerFields() {
  return {
    b2bCollaborationInbound: {
      usersAndGroups: { accessType: 'allowed', targets: [{ target: 'AllUsers', targetType: 'user' }] },
      applications: {
        accessType: 'allowed',
        targets: [{ target: 'AllApplications', targetType: 'application' }],
      },
    },
    inboundTrust: {
      isMfaAccepted: true,
      isCompliantDeviceAccepted: true,
      isHybridAzureADJoinedDeviceAccepted: false,
    },
    automaticUserConsentSettings: { inboundAllowed: false, outboundAllowed: null },
  }
}

/** Settings a fresh partner entry leaves "Inherited from default": Graph returns them as null. */
const INHERITED_FROM_DEFAULT = [
  'b2bCollaborationOutbound',
  'b2bDirectConnectOutbound',
  'b2bDirectConnectInbound',
  'tenantRestrictions',
  'm365CollaborationInbound',
  'm365CollaborationOutbound',
  'appServiceConnectInbound',
] as const

/** A whole partner entry as `GET …/crossTenantAccessPolicy/partners/{id}` returns it, compliant. */
export function compliantPartnerEntry(tenantId = PARTNER_TENANT_ID): Record<string, unknown> {
  return {
    '@odata.context':
      'https://graph.microsoft.com/v1.0/$metadata#policies/crossTenantAccessPolicy/partners/$entity',
    tenantId,
    isServiceProvider: null,
    isInMultiTenantOrganization: false,
    ...compliantPartnerFields(),
    ...Object.fromEntries(INHERITED_FROM_DEFAULT.map((field) => [field, null])),
    crossCloudMeetingConfiguration: { inboundAllowed: true },
    protectedContentSharing: { inboundAllowed: false },
  }
}

// ---- partner entries and customers in tests that run the simulator and the database ----
// Structural types: the test kit imports neither the simulator nor the domain, so callers pass what they
// treat as the compliant entry.

export type PartnerEntry = Record<string, unknown>

/** The simulator state (`sim.state`) as these helpers use it. */
export interface SimulatedTenants<Tenant> {
  requireTenant(tenantId: string): Tenant
  readPartner(tenant: Tenant, partnerTenantId: string): PartnerEntry | undefined
  writePartner(tenant: Tenant, partnerTenantId: string, value: PartnerEntry | null, lagSeconds?: number): void
  createTenant(seed: {
    id: string
    displayName: string
    domains: string[]
    licence: 'P2'
    consents: { clientId: string }[]
    partners: PartnerEntry[]
  }): unknown
}

/** A test system or fixture that runs the simulator. */
export interface WithSimulator<Tenant> {
  sim: { state: SimulatedTenants<Tenant> }
}

/**
 * readPartner and tamper for the partner entry `partnerTenantId`, bound to what the caller treats as the
 * compliant entry (tamper starts from it when the tenant has none).
 */
export function partnerEntryHelpers(compliant: () => PartnerEntry, partnerTenantId = PARTNER_TENANT_ID) {
  function readPartner<T>(holder: WithSimulator<T>, tenantId: string): PartnerEntry | null {
    const state = holder.sim.state
    return state.readPartner(state.requireTenant(tenantId), partnerTenantId) ?? null
  }
  /** The customer's admin edits (or deletes, with null) our partner entry in their tenant. */
  function tamper<T>(
    holder: WithSimulator<T>,
    tenantId: string,
    change: ((p: PartnerEntry) => void) | null,
  ): void {
    const state = holder.sim.state
    const tenant = state.requireTenant(tenantId)
    if (change === null) {
      state.writePartner(tenant, partnerTenantId, null, 0)
      return
    }
    const current = structuredClone(readPartner(holder, tenantId) ?? compliant())
    change(current)
    state.writePartner(tenant, partnerTenantId, current, 0)
  }
  return { readPartner, tamper }
}

/** Creates a P2 customer tenant named `label` that consented to `appClientId`; `partner`: its entry, if any. */
export function addConsentedTenant<T>(
  holder: WithSimulator<T>,
  options: { id: string; label: string; appClientId: string; partner: PartnerEntry | null },
): void {
  holder.sim.state.createTenant({
    id: options.id,
    displayName: options.label,
    domains: [`${options.label}.example`],
    licence: 'P2',
    consents: [{ clientId: options.appClientId }],
    partners: options.partner === null ? [] : [options.partner],
  })
}

/** The customer row of a tenant onboarded earlier and compliant since (policy version 1). */
export function onboardedCustomerData(
  tenantId: string,
  options: {
    name: string
    mode: 'report' | 'alert' | 'remediate' | null
    checkIntervalSeconds?: number | null
    /** Default: in an hour. */
    nextCheckAt?: Date | null
  },
) {
  return {
    name: options.name,
    tenantId,
    expectedTenantId: tenantId,
    onboardingState: 'onboarded' as const,
    complianceState: 'compliant' as const,
    complianceChangedAt: new Date(),
    compliantPolicyVersion: 1,
    mode: options.mode,
    checkIntervalSeconds: options.checkIntervalSeconds ?? null,
    nextCheckAt: options.nextCheckAt === undefined ? new Date(Date.now() + 3600_000) : options.nextCheckAt,
  }
}

/** Notification event types recorded for the customer, oldest first. */
export async function notificationsOf(
  holder: { db: { prisma: Pick<Db, 'notificationEvent'> } },
  customerId: string,
): Promise<string[]> {
  const events = await holder.db.prisma.notificationEvent.findMany({
    where: { customerId },
    orderBy: { createdAt: 'asc' },
  })
  return events.map((e) => e.eventType)
}
