// The committed migrations, deployed by `prisma migrate deploy` into the run's template database, give
// every test file a complete schema.
import { readdirSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
// Relative import: testkit depends on @crosstrust/db, so a package dependency back would be a cycle.
import { createTestDatabase, type TestDatabase } from '../../testkit/src/index.ts'

const migrationsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../prisma/migrations')
let db: TestDatabase

beforeAll(async () => {
  db = await createTestDatabase()
})
afterAll(async () => {
  await db.drop()
})

describe('migrations', () => {
  it('are all applied, none failed or rolled back', async () => {
    const committed = readdirSync(migrationsDir)
      .filter((name) => /^\d{14}_/.test(name))
      .sort()
    // Prisma's bookkeeping is the owner's alone.
    const applied = await db.asOwner(
      (owner) => owner.$queryRaw<
        { migration_name: string; finished_at: Date | null; rolled_back_at: Date | null }[]
      >`
      SELECT migration_name, finished_at, rolled_back_at FROM _prisma_migrations ORDER BY migration_name`,
    )
    expect(applied.map((row) => row.migration_name)).toEqual(committed)
    expect(applied.every((row) => row.finished_at !== null && row.rolled_back_at === null)).toBe(true)
  })

  it('create every table of the data model', async () => {
    const tables = await db.prisma.$queryRaw<{ table_name: string }[]>`
      SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'
      ORDER BY table_name`
    expect(tables.map((row) => row.table_name)).toEqual([
      'accepted_deviations',
      'audit_events',
      'check_runs',
      'consent_links',
      'consent_states',
      'customer_trust',
      'customers',
      'drift_attributions',
      'email_deliveries',
      'notification_events',
      'onboarding_steps',
      'policy_rollouts',
      'policy_versions',
      'staff_sessions',
      'status_links',
      'status_sessions',
      'status_sign_ins',
      'webhook_deliveries',
      'webhook_endpoints',
    ])
  })

  it('install pg_trgm and the hand-written audit triggers (append-only and hash chain)', async () => {
    const extensions = await db.prisma.$queryRaw<
      { extname: string }[]
    >`SELECT extname::text FROM pg_extension WHERE extname = 'pg_trgm'`
    expect(extensions).toHaveLength(1)
    const triggers = await db.prisma.$queryRaw<{ tgname: string }[]>`
      SELECT tgname::text FROM pg_trigger WHERE tgrelid = 'audit_events'::regclass AND NOT tgisinternal ORDER BY tgname`
    expect(triggers.map((row) => row.tgname)).toEqual([
      'audit_events_chain',
      'audit_events_chain_at_commit',
      'audit_events_no_truncate',
      'audit_events_no_update_delete',
    ])
  })
})
