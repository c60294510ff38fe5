// Connection details shared by the test database helpers. Tests may run against any PostgreSQL server
// whose role can CREATE DATABASE; the default is the local trust-auth superuser.
import { randomBytes } from 'node:crypto'

export const TEMPLATE_ENV = 'CROSSTRUST_TEST_TEMPLATE_DB'

/** A database named `database` on the same server as `url`. */
export function databaseUrl(url: string, database: string): string {
  const next = new URL(url)
  next.pathname = `/${database}`
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
