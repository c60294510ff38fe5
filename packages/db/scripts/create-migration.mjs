// `pnpm run db:migrate:create --name <name>`: writes prisma/migrations/<timestamp>_<name>/migration.sql with
// the SQL that brings the migrated database to schema.prisma (empty when they agree: then write the
// hand-written SQL yourself: triggers, extensions, data fixes). `--apply` then deploys it to DATABASE_URL
// (`db:migrate`). Not `prisma migrate dev`: its shadow replay runs the schema engine over our constraint
// trigger, which it cannot read (migrations-for-diff.mjs); this replays a copy without it.
// Needs DATABASE_URL: the server on which the shadow database is created and dropped (prisma.config.ts).
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { migrationsForDiff } from './migrations-for-diff.mjs'

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const migrationsDir = path.resolve(packageDir, '../../prisma/migrations')
const schema = path.resolve(packageDir, '../../prisma/schema.prisma')
const prismaCli = createRequire(import.meta.url).resolve('prisma/build/index.js')

const args = process.argv.slice(2)
const name = args[args.indexOf('--name') + 1]
if (!args.includes('--name') || !name || !/^[a-z0-9_]+$/.test(name)) {
  console.error(
    'usage: pnpm --filter @crosstrust/db run db:migrate:create --name <snake_case_name> [--apply]',
  )
  process.exit(2)
}
const prisma = (cliArgs, stdio = 'pipe') =>
  spawnSync(process.execPath, [prismaCli, ...cliArgs], { cwd: packageDir, encoding: 'utf8', stdio })

const copy = migrationsForDiff(migrationsDir)
let sql
try {
  const diff = prisma([
    'migrate',
    'diff',
    '--from-migrations',
    copy.dir,
    '--to-schema-datamodel',
    schema,
    '--script',
  ])
  if (diff.status !== 0) {
    process.stderr.write(diff.stdout + diff.stderr)
    process.exit(diff.status || 1)
  }
  sql = diff.stdout
} finally {
  copy.remove()
}
const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14)
const dir = path.join(migrationsDir, `${stamp}_${name}`)
mkdirSync(dir)
writeFileSync(path.join(dir, 'migration.sql'), sql)
console.log(`Created prisma/migrations/${stamp}_${name}/migration.sql`)
if (args.includes('--apply')) {
  const deploy = prisma(['migrate', 'deploy'], 'inherit')
  process.exit(deploy.status ?? 1)
}
console.log('Not applied: edit it if needed, then run db:deploy.')
