// Once per vitest run (test/setup/global.ts): a migrated template database that every test file clones.
// `prisma migrate deploy` runs once (~2 s); each clone then costs ~100 ms instead of a full migration.
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import {
  ensureTestRoles,
  quoteIdent,
  randomSuffix,
  roleUrl,
  TEMPLATE_ENV,
  TEST_OWNER_ROLE,
  adminUrl,
} from './postgres.ts'

const PREFIX = 'ct_test_'
const STALE_AFTER_SECONDS = 6 * 3600
const dbPackageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../db')

/**
 * Creates `ct_test_<epoch>_<random>` owned by the test owner role, migrates it as that role (as
 * MIGRATION_DATABASE_URL does in production), and publishes its name in CROSSTRUST_TEST_TEMPLATE_DB.
 */
export async function createTemplateDatabase(): Promise<string> {
  const name = `${PREFIX}${Math.floor(Date.now() / 1000)}_${randomSuffix(3)}`
  await withAdmin(async (admin) => {
    await dropStaleDatabases(admin)
    await ensureTestRoles(admin)
    await admin.query(`CREATE DATABASE ${quoteIdent(name)} OWNER ${quoteIdent(TEST_OWNER_ROLE)}`)
  })
  const prismaCli = createRequire(path.join(dbPackageDir, 'package.json')).resolve('prisma/build/index.js')
  const deploy = spawnSync(process.execPath, [prismaCli, 'migrate', 'deploy'], {
    cwd: dbPackageDir,
    env: { ...process.env, MIGRATION_DATABASE_URL: roleUrl(TEST_OWNER_ROLE, name), CHECKPOINT_DISABLE: '1' },
    encoding: 'utf8',
  })
  if (deploy.status !== 0) {
    await dropTemplateDatabase(name)
    throw new Error(`prisma migrate deploy into the test template failed:\n${deploy.stdout}${deploy.stderr}`)
  }
  process.env[TEMPLATE_ENV] = name
  return name
}

/** Drops the template and every clone of it that a test file left behind. */
export async function dropTemplateDatabase(name: string): Promise<void> {
  await withAdmin(async (admin) => {
    const clones = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname = $1 OR starts_with(datname, $1 || '_')`,
      [name],
    )
    for (const { datname } of clones.rows)
      await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(datname)} WITH (FORCE)`)
  })
}

// Runs that crashed before teardown leave databases behind; names carry their creation time, so anything
// older than a few hours is safe to remove without touching a run in progress.
async function dropStaleDatabases(admin: pg.Client): Promise<void> {
  const found = await admin.query<{ datname: string }>(
    `SELECT datname FROM pg_database WHERE starts_with(datname, $1)`,
    [PREFIX],
  )
  const now = Date.now() / 1000
  for (const { datname } of found.rows) {
    const created = Number(/^ct_test_(\d+)_/.exec(datname)?.[1])
    if (created && now - created > STALE_AFTER_SECONDS) {
      await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(datname)} WITH (FORCE)`)
    }
  }
}

async function withAdmin(work: (admin: pg.Client) => Promise<void>): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl() })
  await admin.connect()
  try {
    await work(admin)
  } finally {
    await admin.end()
  }
}
