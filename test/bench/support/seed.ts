// Bulk seeding for the benchmarks and the chaos suite: thousands of customers straight into Postgres
// (one INSERT … SELECT FROM unnest per chunk) and their tenants straight into the simulator's state.
// Onboarding itself is exercised by the onboarding wave, not by seeding.
import type pg from 'pg'
import { buildCreateBody, defaultPolicy, hashSnapshot, snapshotOwnedFields } from '@crosstrust/core'
import { DEMO_IDS, type SimState } from '@crosstrust/ms-sim'

export const PARTNER = DEMO_IDS.partnerTenantId
export const APP = DEMO_IDS.appClientId

/** Deterministic tenant ids: `<prefix>` (one hex digit per batch kind) + the index. */
export function tenantIdFor(prefix: string, index: number): string {
  const hex = index.toString(16).padStart(12, '0')
  return `${prefix}0000000-0000-4000-8000-${hex}`
}

export function compliantPartner(): Record<string, unknown> {
  return buildCreateBody(defaultPolicy, PARTNER)
}

/** Tenants with our consent granted long ago (no replication window) and optionally the partner entry. */
export function createSimTenants(
  state: SimState,
  ids: readonly string[],
  opts: { partner: boolean; label: string; consentAgeSeconds?: number },
): void {
  const partner = compliantPartner()
  ids.forEach((id, i) => {
    const name = `${opts.label}${String(i)}`
    state.createTenant({
      id,
      displayName: name,
      domains: [`${name}.example`],
      licence: 'P2',
      consents: [{ clientId: APP, ageSeconds: opts.consentAgeSeconds ?? 86_400 }],
      partners: opts.partner ? [structuredClone(partner)] : [],
    })
  })
}

/** The snapshot hash of the compliant entry as Graph shows it, so seeded customers look steady-state. */
export function compliantHash(state: SimState, tenantId: string): string {
  const tenant = state.requireTenant(tenantId)
  return hashSnapshot(snapshotOwnedFields(defaultPolicy, state.readPartner(tenant, PARTNER) ?? null))
}

const CHUNK = 10_000

async function inChunks<T>(items: readonly T[], run: (chunk: T[]) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += CHUNK) await run(items.slice(i, i + CHUNK))
}

/** Onboarded, compliant customers whose next check is due now. Returns their customer ids. */
export async function insertOnboardedCustomers(
  client: pg.Client,
  tenantIds: readonly string[],
  opts: { label: string; observedHash: string | null; dueAt: Date; mode?: 'report' | 'alert' | 'remediate' },
): Promise<void> {
  await inChunks(tenantIds, async (chunk) => {
    await client.query(
      `INSERT INTO customers (name, tenant_id, expected_tenant_id, onboarding_state, compliance_state,
         compliance_changed_at, compliant_policy_version, next_check_at, last_observed_hash, mode, updated_at)
       SELECT $2 || t.ord, t.id, t.id, 'onboarded', 'compliant', now(), 1, $3, $4, $5::customer_mode, now()
       FROM unnest($1::uuid[]) WITH ORDINALITY AS t(id, ord)`,
      [chunk, opts.label, opts.dueAt, opts.observedHash, opts.mode ?? null],
    )
  })
}

/**
 * Customers whose admin consent was received (the consent callback ran) but whose onboarding job has not:
 * exactly the state the sweep's lost-work recovery (and the consent callback) hands to an onboard job.
 */
export async function insertConsentReceivedCustomers(
  client: pg.Client,
  tenantIds: readonly string[],
  opts: { label: string; consentAt: Date },
): Promise<void> {
  await inChunks(tenantIds, async (chunk) => {
    await client.query(
      `WITH c AS (
         INSERT INTO customers (name, expected_tenant_id, consented_tenant_id, onboarding_state, updated_at)
         SELECT $2 || t.ord, t.id, t.id, 'consent_received', now()
         FROM unnest($1::uuid[]) WITH ORDINALITY AS t(id, ord)
         RETURNING id
       )
       INSERT INTO onboarding_steps (customer_id, step, status, attempts, started_at, finished_at, message,
         updated_at)
       SELECT c.id, s.step::onboarding_step_name, s.status::step_status, s.attempts, s.at, s.at, s.message, now()
       FROM c CROSS JOIN (VALUES
         ('link_issued', 'succeeded', 1, $3::timestamptz, 'Consent link issued.'),
         ('consent_received', 'succeeded', 1, $3::timestamptz, 'Admin consent received.'),
         ('access_verified', 'pending', 0, NULL, NULL),
         ('prerequisites_checked', 'pending', 0, NULL, NULL),
         ('tenant_confirmed', 'pending', 0, NULL, NULL),
         ('policy_applied', 'pending', 0, NULL, NULL),
         ('verified', 'pending', 0, NULL, NULL)
       ) AS s(step, status, attempts, at, message)`,
      [chunk, opts.label, opts.consentAt],
    )
  })
}
