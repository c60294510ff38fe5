// Shared setup of the staff read-side tests: a real database with 20,000 customers in every onboarding and
// compliance state, a keyset walk over listCustomers, the order SQL would give and the page query's plan.
// `db` and `ctx` are ES live bindings set by useCustomerDatabase's hooks.
import { afterAll, beforeAll } from 'vitest'
import { buildCreateBody, defaultPolicy, snapshotOwnedFields } from '@crosstrust/core'
import { Prisma } from '@crosstrust/db'
import { createTestDatabase, type TestDatabase } from '@crosstrust/testkit'
import {
  customerListQuerySchema,
  customerPageSql,
  listCustomers,
  type CustomerListQuery,
  type CustomerSort,
  type ServiceContext,
} from '../../src/index.ts'

export const N = 20_000
export const STAFF = { type: 'staff' as const, id: 'oid-q', name: 'Query Tester' }
export const PARTNER = '07d2f395-f69c-43ab-88a2-b82f1151042d'
export let db: TestDatabase
export let ctx: ServiceContext

/** Per test file: a fresh database with N customers in every state, their steps, and fresh statistics. */
export function useCustomerDatabase(): void {
  beforeAll(async () => {
    db = await createTestDatabase()
    ctx = {
      db: db.prisma,
      now: () => new Date(),
      enqueue: () => Promise.reject(new Error('nothing here enqueues')),
    }
    const snapshot = JSON.stringify(
      snapshotOwnedFields(defaultPolicy, buildCreateBody(defaultPolicy, PARTNER)),
    )
    // Deliberately many equal sort values (last checks on the same few instants, names repeating) so the id
    // tie-break is exercised, and NULLs in the nullable sort columns.
    await db.prisma.$executeRawUnsafe(`
      INSERT INTO customers (name, tenant_id, expected_domain, verified_domains, onboarding_state,
        compliance_state, compliance_changed_at, mode, last_check_at, last_observed_snapshot, created_at, updated_at)
      SELECT CASE WHEN i % 7 = 0 THEN 'Same Name' ELSE 'Customer ' || lpad(i::text, 6, '0') END,
             CASE WHEN i % 10 = 0 THEN NULL ELSE md5('t' || i)::uuid END,
             'c' || i || '.example.com',
             CASE WHEN i % 10 = 0 THEN '{}'::text[] ELSE ARRAY['c' || i || '.onmicrosoft.com'] END,
             CASE WHEN i % 10 = 0 THEN 'link_issued' WHEN i % 97 = 0 THEN 'failed' ELSE 'onboarded' END::onboarding_state,
             CASE WHEN i % 10 = 0 OR i % 97 = 0 THEN 'pending' WHEN i % 50 = 1 THEN 'drifted'
                  WHEN i % 211 = 0 THEN 'access_lost' ELSE 'compliant' END::compliance_state,
             CASE WHEN i % 10 = 0 THEN NULL ELSE timestamptz '2026-11-01' + (i % 300) * interval '1 minute' END,
             CASE WHEN i % 3 = 0 THEN NULL WHEN i % 3 = 1 THEN 'alert' ELSE 'remediate' END::customer_mode,
             CASE WHEN i % 10 = 0 THEN NULL ELSE timestamptz '2026-11-20' + (i % 50) * interval '1 minute' END,
             CASE WHEN i % 10 = 0 THEN NULL ELSE '${snapshot}'::jsonb END,
             timestamptz '2026-01-01' + i * interval '1 minute',
             now()
      FROM generate_series(1, ${N}) AS i`)
    // Steps for the customers still onboarding (the list shows their current step).
    await db.prisma.$executeRawUnsafe(`
      INSERT INTO onboarding_steps (customer_id, step, status, updated_at)
      SELECT c.id, s.step::onboarding_step_name,
             CASE WHEN s.step = 'link_issued' THEN 'succeeded' ELSE 'pending' END::step_status, now()
      FROM customers c CROSS JOIN (VALUES ('link_issued'), ('consent_received'), ('access_verified'),
        ('prerequisites_checked'), ('tenant_confirmed'), ('policy_applied'), ('verified')) AS s(step)
      WHERE c.onboarding_state = 'link_issued'`)
    await db.asOwner((owner) => owner.$executeRawUnsafe('ANALYZE')) // only the owner may
  }, 180_000)
  afterAll(async () => {
    await db.drop()
  })
}

export async function walk(query: CustomerListQuery): Promise<string[]> {
  const ids: string[] = []
  let cursor: string | undefined
  for (let pages = 0; pages < 10_000; pages++) {
    const page = await listCustomers(db.prisma, { ...query, ...(cursor === undefined ? {} : { cursor }) })
    ids.push(...page.items.map((r) => r.id))
    if (page.nextCursor === null) return ids
    cursor = page.nextCursor
  }
  throw new Error('pagination did not end')
}

export const COLUMN: Record<CustomerSort, string> = {
  name: 'name',
  createdAt: 'created_at',
  lastCheckAt: 'last_check_at',
  complianceChangedAt: 'compliance_changed_at',
}

export async function expectedOrder(
  sort: CustomerSort,
  order: 'asc' | 'desc',
  where: string,
): Promise<string[]> {
  const rows = await db.prisma.$queryRawUnsafe<{ id: string }[]>(
    `SELECT id FROM customers WHERE ${where} ORDER BY ${COLUMN[sort]} ${order}, id ${order}`,
  )
  return rows.map((r) => r.id)
}

export async function plan(query: CustomerListQuery): Promise<string> {
  const sql = customerPageSql(customerListQuerySchema.parse(query))
  const rows = await db.prisma.$queryRaw<{ 'QUERY PLAN': string }[]>(Prisma.sql`EXPLAIN ${sql}`)
  return rows.map((r) => r['QUERY PLAN']).join('\n')
}
