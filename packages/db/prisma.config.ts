// Prisma CLI configuration (Prisma 6.19.3), found by `prisma` when it runs in packages/db, which is what
// `pnpm --filter @crosstrust/db run db:*` does. The schema and migrations live at the repository root.
// Migrations use the JavaScript (wasm) schema engine over @prisma/adapter-pg, so no native engine binary
// is ever downloaded (binaries.prisma.sh is unreachable here). Each workaround below is explained in
// packages/db/README.md ("Prisma offline: the workarounds").
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { PrismaPg } from '@prisma/adapter-pg'
import { defineConfig } from 'prisma/config'

const prismaDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../prisma')

// 1. Placeholder DATABASE_URL. Prisma 6 requires `url = env("DATABASE_URL")` in the schema; with the
// variable unset the CLI cannot read the generator's `engineType = "client"` and tries to download
// libquery_engine, so `prisma generate` would fail without a database. The schema url never opens a
// connection (migrations use the adapter below, the runtime createPrismaClient(url)), so a placeholder is
// safe; commands that need a database still fail clearly in the adapter factory.
// Migrations run as the owner role: MIGRATION_DATABASE_URL, else DATABASE_URL (a developer's single
// local role). The app's DATABASE_URL role cannot create or alter tables (packages/db/README.md).
// MIGRATION_DATABASE_URL_FILE names a file holding it instead (a Docker or Kubernetes secret).
const migrationUrlFile = process.env.MIGRATION_DATABASE_URL_FILE
const migrationUrl = migrationUrlFile
  ? readFileSync(migrationUrlFile, 'utf8').replace(/\r?\n$/, '')
  : process.env.MIGRATION_DATABASE_URL
const databaseUrl = migrationUrl || process.env.DATABASE_URL || ''
if (!process.env.DATABASE_URL) process.env.DATABASE_URL = 'postgresql://unset@127.0.0.1:1/unset'

// 2. prisma/orm#27403: the wasm schema engine cannot deserialize the catalog types "char" (oid 18) and
// name (oid 19) returned by its introspection queries; present them as text (oid 25).
interface PatchableResult {
  addFields(fields: { dataTypeID: number }[]): void
}
const resultProto = pg.Result.prototype as unknown as PatchableResult
const { addFields } = resultProto // eslint-disable-line @typescript-eslint/unbound-method -- called with `this` below
resultProto.addFields = function (this: PatchableResult, fields) {
  for (const field of fields) if (field.dataTypeID === 18 || field.dataTypeID === 19) field.dataTypeID = 25
  addFields.call(this, fields)
}

type PgAdapter = Awaited<ReturnType<PrismaPg['connect']>>

// 3. The adapter's executeScript splits a migration on every `;`, which breaks dollar-quoted function
// bodies (the audit trigger). Send the whole script as one simple-protocol query instead, as the native
// engine does; Postgres then runs it as one implicit transaction, so a migration applies atomically.
function wholeScripts(adapter: PgAdapter): PgAdapter {
  const pool = adapter.underlyingDriver()
  const mapError = adapter as unknown as { onError(error: unknown): never }
  adapter.executeScript = async (script) => {
    try {
      await pool.query(script)
    } catch (error) {
      mapError.onError(error)
    }
  }
  return adapter
}

function poolConfig(url: string): pg.PoolConfig {
  const u = new URL(url)
  return {
    host: u.hostname,
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: decodeURIComponent(u.pathname.slice(1)),
    idleTimeoutMillis: 100,
  }
}

// 4. PrismaPg.connectToShadowDb spreads a connectionString over the shadow `database` (so `migrate dev`
// would replay migrations into the real database) and drops the shadow database while its own pool still
// holds connections. Create the shadow database ourselves and drop it WITH (FORCE) after use.
function migrationAdapter(url: string): PrismaPg {
  const config = poolConfig(url)
  const factory = new PrismaPg(config)
  const connect = factory.connect.bind(factory)
  factory.connect = async () => wholeScripts(await connect())
  factory.connectToShadowDb = async () => {
    const admin = new pg.Client(config)
    await admin.connect()
    const database = `prisma_shadow_${randomUUID().replaceAll('-', '')}`
    await admin.query(`CREATE DATABASE "${database}"`)
    const adapter = wholeScripts(await new PrismaPg({ ...config, database }).connect())
    const dispose = adapter.dispose.bind(adapter)
    adapter.dispose = async () => {
      await dispose()
      await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`)
      await admin.end()
    }
    return adapter
  }
  return factory
}

// 5. Cosmetic, saves 10 s per command: the wasm schema engine leaves a 10 s timer pending after its work
// is done, so `migrate deploy` lingers before exiting. Unref long timers created from wasm code: they still
// fire while the process has other work; they just cannot keep an otherwise finished process alive.
const setTimeoutOriginal = globalThis.setTimeout
function setTimeoutUnrefWasm(handler: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) {
  const timer = setTimeoutOriginal(handler, ms, ...args)
  if ((ms ?? 0) >= 5000 && new Error().stack?.includes('wasm://')) timer.unref()
  return timer
}
globalThis.setTimeout = Object.assign(setTimeoutUnrefWasm, setTimeoutOriginal)

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  adapter: () => {
    if (!databaseUrl)
      throw new Error('MIGRATION_DATABASE_URL (or DATABASE_URL) must be set for migration commands')
    return Promise.resolve(migrationAdapter(databaseUrl))
  },
  schema: path.join(prismaDir, 'schema.prisma'),
  migrations: { path: path.join(prismaDir, 'migrations') },
})
