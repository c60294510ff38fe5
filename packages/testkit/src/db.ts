// A fresh, migrated database per test file: a clone of the run's template (see template-db.ts), owned by
// the test owner role; the client and `url` log in as the app role, with exactly the product's privileges.
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { createPrismaClient, type Db } from '@crosstrust/db'
import {
  adminUrl,
  quoteIdent,
  randomSuffix,
  roleUrl,
  TEMPLATE_ENV,
  TEST_APP_ROLE,
  TEST_OWNER_ROLE,
} from './postgres.ts'

export interface TestDatabase {
  /** Connection string for apps under test (DATABASE_URL): the app role, never an owner or superuser. */
  url: string
  /** The same database as its owner (MIGRATION_DATABASE_URL): for tests that play the owner or ANALYZE. */
  ownerUrl: string
  /** A client on `url`. */
  prisma: Db
  /** Runs `work` with a short-lived client logged in as the database's owner. */
  asOwner<T>(work: (owner: Db) => Promise<T>): Promise<T>
  /** Disconnects `prisma` and drops the database (connections still open elsewhere are terminated). */
  drop(): Promise<void>
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const template = process.env[TEMPLATE_ENV]
  if (!template)
    throw new Error(`${TEMPLATE_ENV} is not set: run tests through vitest (test/setup/global.ts)`)
  const name = `${template}_${randomSuffix()}`
  await asAdmin(
    `CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(template)} OWNER ${quoteIdent(TEST_OWNER_ROLE)}`,
  )
  const url = roleUrl(TEST_APP_ROLE, name)
  const prisma = createPrismaClient(url, { poolSize: 5 })
  return {
    url,
    ownerUrl: roleUrl(TEST_OWNER_ROLE, name),
    async asOwner(work) {
      const owner = createPrismaClient(roleUrl(TEST_OWNER_ROLE, name), { poolSize: 2 })
      try {
        return await work(owner)
      } finally {
        await owner.$disconnect()
      }
    },
    prisma,
    async drop() {
      await prisma.$disconnect()
      await asAdmin(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`)
    },
  }
}

/** Runs one statement (or script) on its own connection, closed afterwards. */
async function runOnce(connectionString: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString })
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}

/** As the server's admin role (CREATE and DROP DATABASE). */
const asAdmin = (sql: string) => runOnce(adminUrl(), sql)

export interface PartialDatabase {
  /** DATABASE_URL (the app role) and MIGRATION_DATABASE_URL (the owner) of the database. */
  url: string
  ownerUrl: string
  /** Runs one committed migration's SQL as the owner, as `prisma migrate deploy` would. */
  applyMigration(name: string): Promise<void>
  drop(): Promise<void>
}

const migrationsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../prisma/migrations')

/**
 * An empty database owned by the owner role with the committed migrations applied up to and including
 * `through`: for testing what a later migration does to existing data. (No `_prisma_migrations`: it is
 * not a database for Prisma's CLI.)
 */
export async function createDatabaseMigratedThrough(through: string): Promise<PartialDatabase> {
  const template = process.env[TEMPLATE_ENV]
  if (!template)
    throw new Error(`${TEMPLATE_ENV} is not set: run tests through vitest (test/setup/global.ts)`)
  const names = readdirSync(migrationsDir)
    .filter((n) => /^\d{14}_/.test(n))
    .sort()
  if (!names.includes(through)) throw new Error(`no migration ${through}`)
  // Named like a clone of the template, so the run's teardown drops it whatever happens here.
  const name = `${template}_${randomSuffix()}`
  await asAdmin(`CREATE DATABASE ${quoteIdent(name)} OWNER ${quoteIdent(TEST_OWNER_ROLE)}`)
  const ownerUrl = roleUrl(TEST_OWNER_ROLE, name)
  const applyMigration = (migration: string) =>
    runOnce(ownerUrl, readFileSync(path.join(migrationsDir, migration, 'migration.sql'), 'utf8'))
  for (const migration of names.slice(0, names.indexOf(through) + 1)) await applyMigration(migration)
  return {
    url: roleUrl(TEST_APP_ROLE, name),
    ownerUrl,
    applyMigration,
    drop: () => asAdmin(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`),
  }
}
