// `pnpm --filter @crosstrust/db run db:check` (CI): fails when prisma/schema.prisma and prisma/migrations
// disagree, or when the migrations do not deploy onto an empty database.
//   1. create a throwaway database and `prisma migrate deploy` into it (the production command);
//   2. `prisma migrate diff --from-migrations --to-schema-datamodel --exit-code`: replays the migrations
//      into a shadow database (created and dropped by the adapter in prisma.config.ts) and compares the
//      result with the schema. Exit code 2 = they differ. (`--from-url`/`--from-schema-datasource` are not
//      supported with a driver adapter in Prisma 6.19.3, hence the shadow replay.)
//   The replay leaves constraint triggers out (migrations-for-diff.mjs says why); step 1 deploys the real
//   files, triggers included.
// Needs a PostgreSQL role that may CREATE DATABASE: DATABASE_URL, else TEST_DATABASE_ADMIN_URL, else the
// local default. Only the server of that URL is used; its database is left untouched.
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { migrationsForDiff } from './migrations-for-diff.mjs'

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const rootDir = path.resolve(packageDir, '../..')
const schema = path.join(rootDir, 'prisma/schema.prisma')
const migrations = path.join(rootDir, 'prisma/migrations')
const prismaCli = createRequire(import.meta.url).resolve('prisma/build/index.js')

const baseUrl =
  process.env.DATABASE_URL ||
  process.env.TEST_DATABASE_ADMIN_URL ||
  'postgresql://postgres@127.0.0.1:5432/postgres'
const database = `crosstrust_check_${randomBytes(6).toString('hex')}`
const checkUrl = new URL(baseUrl)
checkUrl.pathname = `/${database}`

function prisma(args) {
  return spawnSync(process.execPath, [prismaCli, ...args], {
    cwd: packageDir,
    env: { ...process.env, DATABASE_URL: checkUrl.toString(), CHECKPOINT_DISABLE: '1' },
    encoding: 'utf8',
  })
}

function fail(message, output) {
  console.error(`\ndb:check FAILED: ${message}`)
  if (output) console.error(output.trim())
  process.exitCode = 1
}

let diffCopy = null
const admin = new pg.Client({ connectionString: baseUrl })
await admin.connect()
try {
  await admin.query(`CREATE DATABASE "${database}"`)

  const deploy = prisma(['migrate', 'deploy'])
  if (deploy.status !== 0) {
    fail('`prisma migrate deploy` failed on an empty database.', deploy.stdout + deploy.stderr)
  } else {
    console.log('db:check: migrations deploy onto an empty database.')
    diffCopy = migrationsForDiff(migrations)
    const diffArgs = ['migrate', 'diff', '--from-migrations', diffCopy.dir, '--to-schema-datamodel', schema]
    const diff = prisma([...diffArgs, '--exit-code'])
    if (diff.status === 0) {
      console.log('db:check: prisma/schema.prisma and prisma/migrations agree.')
    } else if (diff.status === 2) {
      const script = prisma([...diffArgs, '--script'])
      fail(
        'prisma/schema.prisma and prisma/migrations disagree. If schema.prisma is right, create the missing ' +
          'migration with `pnpm --filter @crosstrust/db run db:migrate --name <what_changed>`.\n' +
          'SQL that would make the migrated database match schema.prisma:',
        script.stdout,
      )
    } else {
      fail('`prisma migrate diff` could not run.', diff.stdout + diff.stderr)
    }
  }
} finally {
  diffCopy?.remove()
  await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`)
  await admin.end()
}
