// `pnpm run db:migrate:create --name <name>`: write a migration without applying it, to add hand-written
// SQL (triggers, extensions, data fixes). Wraps `prisma migrate dev --create-only`, whose 6.19.3 wasm engine
// is stopped twice on this path and then fails with "null pointer passed to rust" although the migration
// file was written. Success here means: exactly one new migration directory appeared.
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const migrationsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../prisma/migrations')
const list = () => new Set(readdirSync(migrationsDir).filter((name) => /^\d{14}_/.test(name)))
const prismaCli = createRequire(import.meta.url).resolve('prisma/build/index.js')

if (!process.argv.includes('--name')) {
  console.error('usage: pnpm --filter @crosstrust/db run db:migrate:create --name <name>')
  process.exit(2)
}
const before = list()
const result = spawnSync(
  process.execPath,
  [prismaCli, 'migrate', 'dev', '--create-only', '--skip-generate', ...process.argv.slice(2)],
  { stdio: ['inherit', 'inherit', 'pipe'], encoding: 'utf8' },
)
const created = [...list()].filter((name) => !before.has(name))
const knownBug = result.stderr.includes('null pointer passed to rust')
if (created.length === 1 && (result.status === 0 || knownBug)) {
  console.log(
    `Created prisma/migrations/${created[0]}/migration.sql (not applied). Edit it, then run db:deploy.`,
  )
  process.exit(0)
}
process.stderr.write(result.stderr)
process.exit(result.status || 1)
