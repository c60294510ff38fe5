// The migrations as Prisma's schema engine may replay them in a shadow database: a copy without their
// `CREATE CONSTRAINT TRIGGER` statements. The WASM schema engine (used with a driver adapter) panics on a
// pg_constraint row it does not model (contype 't'; the same denylist fails PostgreSQL 18's 'n' rows:
// https://github.com/prisma/orm/issues/29635). Triggers are not part of the Prisma data model, so a diff
// against schema.prisma loses nothing; `prisma migrate deploy` always runs the real files.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

const CONSTRAINT_TRIGGER = /CREATE CONSTRAINT TRIGGER[\s\S]*?;/g

/** Copies `migrationsDir` without constraint triggers; returns the copy and a function that removes it. */
export function migrationsForDiff(migrationsDir) {
  const copy = mkdtempSync(path.join(tmpdir(), 'crosstrust-migrations-'))
  cpSync(migrationsDir, copy, { recursive: true })
  for (const entry of readdirSync(copy, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue
    const file = path.join(copy, entry.name, 'migration.sql')
    const sql = readFileSync(file, 'utf8')
    const stripped = sql.replace(CONSTRAINT_TRIGGER, '')
    if (stripped !== sql) writeFileSync(file, stripped)
  }
  return { dir: copy, remove: () => rmSync(copy, { recursive: true, force: true }) }
}
