// Connection details shared by the test database helpers. Tests may run against any PostgreSQL server
// whose admin role can CREATE DATABASE and CREATE ROLE; the default is the local trust-auth superuser. The
// admin only creates and drops databases and roles: migrations run as the owner role and the code under
// test connects as the app role, exactly as in production (packages/db/README.md, "Database roles").
import { randomBytes } from 'node:crypto'
import type pg from 'pg'

export const TEMPLATE_ENV = 'CROSSTRUST_TEST_TEMPLATE_DB'

/** The NOLOGIN group role the migrations grant the application's privileges to. */
export const APP_GROUP_ROLE = 'crosstrust_app'
/** Owns and migrates every test database (what MIGRATION_DATABASE_URL is in production). */
export const TEST_OWNER_ROLE = 'crosstrust_test_owner'
/** What the code under test connects as (DATABASE_URL): a login member of the group role. */
export const TEST_APP_ROLE = 'crosstrust_test_app'

/** A database named `database` on the same server as `url`. */
export function databaseUrl(url: string, database: string): string {
  const next = new URL(url)
  next.pathname = `/${database}`
  return next.toString()
}

/** `database` on the admin's server, logged in as `role` (the roles authenticate as the server allows). */
export function roleUrl(role: string, database: string): string {
  const next = new URL(databaseUrl(adminUrl(), database))
  next.username = role
  next.password = process.env.TEST_DATABASE_ROLE_PASSWORD ?? ''
  return next.toString()
}

export function adminUrl(): string {
  return process.env.TEST_DATABASE_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres'
}

/** Identifiers we create are always `[a-z0-9_]`, so quoting is enough; refuse anything else. */
export function quoteIdent(name: string): string {
  if (!/^[a-z0-9_]{1,63}$/.test(name)) throw new Error(`unexpected database name: ${name}`)
  return `"${name}"`
}

export function randomSuffix(bytes = 4): string {
  return randomBytes(bytes).toString('hex')
}

// Roles are cluster-wide and other test runs (other checkouts) create them concurrently: CREATE ROLE
// either wins or fails with duplicate_object (or unique_violation when both passed the catalog check at
// once); either way the role exists afterwards. Membership grants race the same way.
const ROLE_STATEMENTS = [
  `CREATE ROLE ${APP_GROUP_ROLE} NOLOGIN`,
  `CREATE ROLE ${TEST_OWNER_ROLE} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE`,
  `CREATE ROLE ${TEST_APP_ROLE} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE IN ROLE ${APP_GROUP_ROLE}`,
]

/** Creates the group, owner and app roles if they do not exist yet; safe to race. */
export async function ensureTestRoles(admin: pg.Client): Promise<void> {
  for (const statement of ROLE_STATEMENTS) {
    await admin.query(
      `DO $$ BEGIN ${statement}; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`,
    )
  }
  const password = process.env.TEST_DATABASE_ROLE_PASSWORD
  if (password !== undefined) {
    for (const role of [TEST_OWNER_ROLE, TEST_APP_ROLE]) {
      await admin.query(`ALTER ROLE ${role} PASSWORD ${literal(password)}`)
    }
  }
}

function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`
}
