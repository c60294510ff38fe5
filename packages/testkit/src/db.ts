// A fresh, migrated database per test file: a clone of the run's template (see template-db.ts).
import pg from 'pg'
import { createPrismaClient, type Db } from '@crosstrust/db'
import { adminUrl, databaseUrl, quoteIdent, randomSuffix, TEMPLATE_ENV } from './postgres.ts'

export interface TestDatabase {
  /** Connection string for apps under test (DATABASE_URL). */
  url: string
  prisma: Db
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
    await admin.query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(template)}`)
  } finally {
    await admin.end()
  }
  const url = databaseUrl(adminUrl(), name)
  const prisma = createPrismaClient(url, { poolSize: 5 })
  return {
    url,
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
