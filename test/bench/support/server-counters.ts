// Server-side counters for "per check" figures: SQL statements the product processes sent to PostgreSQL and
// commands Redis executed, each read from the server before and after a run (never estimated).
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import pg from 'pg'
import type { Redis } from 'ioredis'
import { adminUrl, databaseUrl, TEST_APP_ROLE } from '@crosstrust/testkit'
import { freePort, waitUntil } from './processes.ts'

export interface Counter {
  /** Which server counter the figure comes from (printed next to it). */
  source: string
  read(): Promise<number>
  close(): Promise<void>
}

/**
 * Statements executed by the app role in this database. pg_stat_statements (`calls`, filtered by database
 * and role) when the server preloads it; otherwise transactions in pg_stat_database (xact_commit +
 * xact_rollback) minus the harness's own, which is a lower bound: a transaction holds at least one
 * statement. `ownTransactions` counts the harness's queries on its own connection meanwhile.
 */
export async function sqlStatementCounter(database: string, ownTransactions: () => number): Promise<Counter> {
  const admin = new pg.Client({ connectionString: databaseUrl(adminUrl(), database) })
  await admin.connect()
  try {
    await admin.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements')
    const sql = `SELECT coalesce(sum(s.calls), 0)::text AS n FROM pg_stat_statements s
       WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
         AND s.userid = (SELECT oid FROM pg_roles WHERE rolname = $1)`
    await admin.query(sql, [TEST_APP_ROLE])
    return {
      source: 'pg_stat_statements (calls by the app role)',
      read: async () => Number((await admin.query<{ n: string }>(sql, [TEST_APP_ROLE])).rows[0]?.n ?? 0),
      close: () => admin.end(),
    }
  } catch {
    // "pg_stat_statements must be loaded via shared_preload_libraries": fall back to transactions.
  }
  const sql = `SELECT (xact_commit + xact_rollback)::text AS n FROM pg_stat_database WHERE datname = $1`
  return {
    source: 'pg_stat_database transactions of other sessions (lower bound; pg_stat_statements not preloaded)',
    read: async () => {
      // Backends flush their counters lazily; this one on demand (the worker's when it exits).
      await admin.query('SELECT pg_stat_force_next_flush()')
      await admin.query('SELECT pg_stat_clear_snapshot()')
      const n = Number((await admin.query<{ n: string }>(sql, [database])).rows[0]?.n ?? 0)
      return n - ownTransactions()
    },
    close: () => admin.end(),
  }
}

/** Sum of `calls` over INFO commandstats: every command the Redis server executed so far. */
/** Calls per command name so far (INFO commandstats), to say where a run's commands went. */
export async function redisCommandsByName(redis: Redis): Promise<Map<string, number>> {
  const info = await redis.info('commandstats')
  return new Map([...info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)].map((m) => [m[1] ?? '', Number(m[2])]))
}

/** The commands that grew most between two readings, most first: `{ evalsha: 1200, … }`. */
export function topCommandDeltas(
  before: Map<string, number>,
  after: Map<string, number>,
  top = 8,
): Record<string, number> {
  const deltas = [...after].map(([name, calls]) => [name, calls - (before.get(name) ?? 0)] as const)
  return Object.fromEntries(
    deltas
      .filter(([, d]) => d > 0)
      .sort((a, b) => b[1] - a[1])
      .slice(0, top),
  )
}

export interface BenchRedis {
  url: string
  /** The server's pid when the benchmark started its own (its CPU time is then the benchmark's alone). */
  pid: number | null
  /** Whether INFO commandstats counts only the benchmark's commands. */
  exclusive: boolean
  close(): Promise<void>
}

/**
 * A Redis server of the benchmark's own (in memory, no persistence, as docker/compose.yml runs it), so INFO
 * commandstats and its CPU time count nothing but the benchmark; `BENCH_REDIS_URL` uses a shared one instead.
 */
export async function startBenchRedis(sharedUrl: string | undefined): Promise<BenchRedis> {
  if (sharedUrl) return { url: sharedUrl, pid: null, exclusive: false, close: async () => {} }
  const port = await freePort()
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  )
  if (child.pid === undefined) throw new Error('redis-server did not start (set BENCH_REDIS_URL instead)')
  const exited = once(child, 'exit')
  const url = `redis://127.0.0.1:${String(port)}/0`
  await waitUntil(
    'the benchmark Redis',
    async () => {
      if (child.exitCode !== null) throw new Error('redis-server exited (set BENCH_REDIS_URL instead)')
      const { createConnection } = await import('node:net')
      return new Promise<boolean>((resolve) => {
        const s = createConnection(port, '127.0.0.1')
        s.once('connect', () => {
          s.destroy()
          resolve(true)
        })
        s.once('error', () => {
          resolve(false)
        })
      })
    },
    10_000,
    100,
  )
  return {
    url,
    pid: child.pid,
    exclusive: true,
    async close() {
      child.kill('SIGTERM')
      await exited
    },
  }
}
