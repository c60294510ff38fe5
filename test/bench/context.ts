// What every benchmark scenario shares: the simulator (in this process), a migrated database per
// scenario group, Redis, and the CA bundle the product processes trust.
import pg from 'pg'
import { randomBytes } from 'node:crypto'
import { buildDemoSeed, startSimulator, type RunningSimulator } from '@crosstrust/ms-sim'
import {
  createTemplateDatabase,
  dropTemplateDatabase,
  roleUrl,
  TEST_APP_ROLE,
  TEST_OWNER_ROLE,
} from '@crosstrust/testkit'
import { APP_SECRET, STAFF_SECRET, productEnv, type ProductEnvInput } from './support/processes.ts'

export interface BenchDatabase {
  name: string
  /** DATABASE_URL for the product processes (the app role). */
  url: string
  /** The harness's own connection, as the database owner. */
  client: pg.Client
  /** Queries the harness has sent on `client` so far (each its own transaction), for the SQL counter. */
  ownQueries(): number
  drop(): Promise<void>
}

export async function createBenchDatabase(): Promise<BenchDatabase> {
  // A freshly migrated database (prisma migrate deploy), dropped afterwards. The product processes connect
  // as the app role, as in production; the harness seeds and VACUUMs as the database's owner.
  const name = await createTemplateDatabase()
  const url = roleUrl(TEST_APP_ROLE, name)
  const client = new pg.Client({ connectionString: roleUrl(TEST_OWNER_ROLE, name) })
  await client.connect()
  let ownQueries = 0
  const query = client.query.bind(client) as (...args: unknown[]) => unknown
  client.query = ((...args: unknown[]) => {
    ownQueries += 1
    return query(...args)
  }) as typeof client.query
  return {
    name,
    url,
    client,
    ownQueries: () => ownQueries,
    async drop() {
      await client.end()
      await dropTemplateDatabase(name)
    },
  }
}

export async function startBenchSimulator(opts: {
  requestLogCap: number
  redirectBase: string
}): Promise<RunningSimulator> {
  const seed = buildDemoSeed({
    appSecret: APP_SECRET,
    staffAppSecret: STAFF_SECRET,
    redirectUris: [`${opts.redirectBase}/consent/callback`, `${opts.redirectBase}/consent/signed-in`],
    staffRedirectUris: [`${opts.redirectBase}/auth/callback`],
  })
  // The simulator's defaults are Microsoft's waits (consent replication, read-after-write lag).
  return startSimulator({
    seed,
    requestLogCap: opts.requestLogCap,
  })
}

export function queuePrefix(label: string): string {
  return `bench${label}${randomBytes(4).toString('hex')}`
}

export function envFor(
  sim: RunningSimulator,
  db: BenchDatabase,
  input: Omit<ProductEnvInput, 'databaseUrl' | 'loginUrl' | 'graphUrl'>,
): NodeJS.ProcessEnv {
  return productEnv({ ...input, databaseUrl: db.url, loginUrl: sim.loginUrl, graphUrl: sim.graphUrl })
}

/** Tuples inserted+updated+deleted in the database's user tables so far (pg_stat_user_tables). */
export async function tupleWrites(client: pg.Client): Promise<number> {
  const { rows } = await client.query<{ n: string }>(
    `SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)::text AS n FROM pg_stat_user_tables`,
  )
  return Number(rows[0]?.n ?? 0)
}

/** Transactions committed in the database so far (pg_stat_database). */
export async function commits(client: pg.Client): Promise<number> {
  const { rows } = await client.query<{ n: string }>(
    `SELECT xact_commit::text AS n FROM pg_stat_database WHERE datname = current_database()`,
  )
  return Number(rows[0]?.n ?? 0)
}

/** Per-table write deltas, for the report's breakdown. */
export async function tableWrites(client: pg.Client): Promise<Map<string, number>> {
  const { rows } = await client.query<{ relname: string; n: string }>(
    `SELECT relname, (n_tup_ins + n_tup_upd + n_tup_del)::text AS n FROM pg_stat_user_tables`,
  )
  return new Map(rows.map((r) => [r.relname, Number(r.n)]))
}
