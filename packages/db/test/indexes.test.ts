// The queries that must stay fast at 100,000 customers use their indexes (a sweep costs a query).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
// Relative import: testkit depends on @crosstrust/db, so a package dependency back would be a cycle.
import { createTestDatabase, type TestDatabase } from '../../testkit/src/index.ts'

let db: TestDatabase

beforeAll(async () => {
  db = await createTestDatabase()
  // 30,000 customers (enough for the planner to prefer indexes, cheap enough for CI), 1 in 10 not yet
  // onboarded, due times spread over the next 6 hours.
  await db.prisma.$executeRawUnsafe(`
    INSERT INTO customers (name, onboarding_state, compliance_state, next_check_at, updated_at)
    SELECT 'Customer ' || i || ' ' || md5(i::text),
           CASE WHEN i % 10 = 0 THEN 'link_issued' ELSE 'onboarded' END::onboarding_state,
           CASE WHEN i % 50 = 0 THEN 'drifted' ELSE 'compliant' END::compliance_state,
           CASE WHEN i % 10 = 0 THEN NULL ELSE now() + (i % 21600) * interval '1 second' END,
           now()
    FROM generate_series(1, 30000) AS i`)
  // Only the owner may ANALYZE (the app role gets a warning and no statistics).
  await db.asOwner((owner) => owner.$executeRawUnsafe('ANALYZE customers'))
}, 120_000)
afterAll(async () => {
  await db.drop()
})

async function plan(sql: string): Promise<string> {
  const rows = await db.prisma.$queryRawUnsafe<{ 'QUERY PLAN': string }[]>(`EXPLAIN ${sql}`)
  return rows.map((row) => row['QUERY PLAN']).join('\n')
}

describe('indexes', () => {
  it('serve the scheduler sweep (due checks, oldest first, batched)', async () => {
    const text = await plan(`SELECT id FROM customers WHERE onboarding_state = 'onboarded'
      AND next_check_at <= now() + interval '1 minute' ORDER BY next_check_at LIMIT 500`)
    expect(text).toContain('customers_onboarding_state_next_check_at_idx')
    expect(text).not.toContain('Seq Scan')
  })

  it('serve free-text search on name', async () => {
    const text = await plan(`SELECT id FROM customers WHERE name ILIKE '%a1b2%'`)
    expect(text).toContain('customers_name_trgm_idx')
  })

  it('serve state filters and keyset pagination', async () => {
    expect(await plan(`SELECT id FROM customers WHERE compliance_state = 'drifted'`)).toContain(
      'customers_compliance_state_idx',
    )
    const page =
      await plan(`SELECT id FROM customers WHERE (created_at, id) > (now() - interval '1 day', gen_random_uuid())
      ORDER BY created_at, id LIMIT 50`)
    expect(page).toContain('customers_created_at_id_idx')
  })
})
