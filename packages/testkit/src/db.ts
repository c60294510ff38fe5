// A fresh, migrated database per test file: a clone of the run's template (see template-db.ts), owned by
// the test owner role; the client and `url` log in as the app role, with exactly the product's privileges.
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
  const admin = new pg.Client({ connectionString: adminUrl() })
  await admin.connect()
  try {
    await admin.query(
      `CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(template)} OWNER ${quoteIdent(TEST_OWNER_ROLE)}`,
    )
  } finally {
    await admin.end()
  }
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
      const dropper = new pg.Client({ connectionString: adminUrl() })
      await dropper.connect()
      try {
        await dropper.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`)
      } finally {
        await dropper.end()
      }
    },
  }
}
