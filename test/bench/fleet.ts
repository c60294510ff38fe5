// Fleet scenarios: one full scheduled re-check of N onboarded tenants, and an onboarding wave, each driven
// by the real worker in its own process against the simulator (in this process) with latency L per Graph
// request. Numbers come from Postgres (check_runs / onboarding_steps timestamps, pg_stat_user_tables), the
// simulator's request log and /proc.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { loadavg } from 'node:os'
import { JobQueues, createRedis, jobIdFor } from '@crosstrust/jobs'
import type { RunningSimulator } from '@crosstrust/ms-sim'
import { envFor, queuePrefix, tableWrites, tupleWrites, type BenchDatabase } from './context.ts'
import {
  compliantHash,
  createSimTenants,
  insertConsentReceivedCustomers,
  insertOnboardedCustomers,
  tenantIdFor,
} from './support/seed.ts'
import { REPO_ROOT, startProduct, waitUntil } from './support/processes.ts'
import {
  cpuSecondsOf,
  cpuSecondsOfCommand,
  measureSelf,
  peakRssMb as readPeakRssMb,
  watchPeakRss,
} from './support/process-stats.ts'

export interface ScenarioResult {
  scenario: string
  tenants: number
  wallSeconds: number | null
  idealSeconds: number | null
  efficiency: number | null
  tokenRequestsPerTenant: number | null
  dbWritesPerCheck: number | null
  workerPeakRssMb: number | null
  /** Everything else the report prints (not part of the JSON contract's required fields). */
  details: Record<string, unknown>
}

export interface FleetOptions {
  sim: RunningSimulator
  db: BenchDatabase
  redisUrl: string
  trustBundle: string
  tenants: number
  concurrency: number
  latencyMs: number
  /** Extra node flags for the worker (a deployment knob such as --max-old-space-size). */
  workerNodeOptions?: string[]
  /** Write a V8 CPU profile of the worker (node --cpu-prof) into this directory. */
  profileDir?: string
  log: (line: string) => void
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits

async function flushStats(db: BenchDatabase): Promise<void> {
  // This backend's own pending counters; the worker's backends flush when they exit (it is stopped first).
  await db.client.query('SELECT pg_stat_force_next_flush()')
  await db.client.query('SELECT 1')
  await new Promise((r) => setTimeout(r, 1_200))
}

/** Scenario name suffix for non-default worker flags, so such runs never replace the default ones. */
function variant(opts: FleetOptions): string {
  const flags = opts.workerNodeOptions ?? []
  return flags.length === 0
    ? ''
    : `-${flags.map((f) => f.replace(/^-+/, '').replace(/[^a-z0-9]+/gi, '-')).join('-')}`
}

function workerArgs(opts: FleetOptions, label: string): string[] {
  const extra = opts.workerNodeOptions ?? []
  if (!opts.profileDir) return extra
  // One directory per run: the main thread and tsx's loader thread each write a profile (largest = main).
  const dir = join(opts.profileDir, `worker-${label}`)
  mkdirSync(dir, { recursive: true })
  return [...extra, '--cpu-prof', `--cpu-prof-dir=${dir}`]
}

interface RunMeasure {
  peakRssMb: number
  startupRssMb: number | null
  workerCpuSeconds: number
  simCpuSeconds: number
  simEventLoopUtilisation: number
  postgresCpuSeconds: number
  redisCpuSeconds: number
  benchWallSeconds: number
  writes: number
  writesByTable: Record<string, number>
  tokenRequests: number
  graphRequests: number
  graphErrors: number
  early: number
  loadAverageBefore: number
}

/** Starts the worker, waits for `done`, stops it, and measures around it. */
async function measuredRun(
  opts: FleetOptions,
  label: string,
  tenantIds: ReadonlySet<string>,
  before: (queues: JobQueues) => Promise<void>,
  started: () => Promise<boolean>,
  done: () => Promise<boolean>,
  timeoutMs: number,
): Promise<RunMeasure> {
  const { sim, db } = opts
  await flushStats(db)
  const writesBefore = await tupleWrites(db.client)
  const tablesBefore = await tableWrites(db.client)
  const firstSeq = sim.state.requests.lastSeq
  const latency = sim.state.faults.add({ kind: 'latency', origin: 'graph', latencyMs: opts.latencyMs })
  const loadAverageBefore = loadavg()[0] ?? 0
  const pgBefore = cpuSecondsOfCommand('postgres')
  const redisBefore = cpuSecondsOfCommand('redis-server')
  const prefix = queuePrefix(label)
  const connection = createRedis(opts.redisUrl)
  const queues = new JobQueues(connection, prefix)
  await before(queues)
  const self = measureSelf()
  const worker = startProduct(
    `worker-${label}`,
    join(REPO_ROOT, 'apps/worker/src/main.ts'),
    envFor(sim, db, {
      redisUrl: opts.redisUrl,
      queuePrefix: prefix,
      publicBaseUrl: 'http://127.0.0.1:3000',
      trustBundle: opts.trustBundle,
      concurrency: opts.concurrency,
    }),
    workerArgs(opts, label),
  )
  const rss = watchPeakRss(worker.pid)
  let peakRssMb: number
  let selfStats: { cpuSeconds: number; elu: number; wallSeconds: number }
  let workerCpuSeconds = 0
  let startupRssMb: number | null = null
  const cpuTimer = setInterval(() => {
    workerCpuSeconds = cpuSecondsOf(worker.pid) ?? workerCpuSeconds
  }, 500)
  try {
    await waitUntil(
      `${label} to finish`,
      async () => {
        if (worker.child.exitCode !== null) throw new Error(`worker exited early:\n${worker.tail()}`)
        // Peak RSS before the work began: what the process costs idle (sources, tsx, Prisma, MSAL).
        if (startupRssMb === null && (await started())) startupRssMb = readPeakRssMb(worker.pid)
        return done()
      },
      timeoutMs,
      500,
    )
  } finally {
    clearInterval(cpuTimer)
    workerCpuSeconds = cpuSecondsOf(worker.pid) ?? workerCpuSeconds
    peakRssMb = rss.stop()
    selfStats = self.stop()
    await worker.stop()
    sim.state.faults.remove(latency.id)
    for (const kind of ['onboard', 'check', 'apply', 'offboard', 'notify', 'sweep'] as const) {
      await queues.queue(kind).obliterate({ force: true })
    }
    await queues.close()
    connection.disconnect()
  }
  await flushStats(db)
  const writes = (await tupleWrites(db.client)) - writesBefore
  const tablesAfter = await tableWrites(db.client)
  const writesByTable: Record<string, number> = {}
  for (const [table, n] of tablesAfter) {
    const delta = n - (tablesBefore.get(table) ?? 0)
    if (delta > 0) writesByTable[table] = delta
  }
  const log = sim.state.requests
    .list({ sinceSeq: firstSeq })
    .filter((e) => e.tenant && tenantIds.has(e.tenant))
  if (sim.state.requests.lastSeq - firstSeq > log.length && log.length === 0) {
    throw new Error('the simulator request log overflowed; raise requestLogCap')
  }
  return {
    peakRssMb,
    startupRssMb,
    workerCpuSeconds,
    simCpuSeconds: selfStats.cpuSeconds,
    simEventLoopUtilisation: selfStats.elu,
    postgresCpuSeconds: cpuSecondsOfCommand('postgres') - pgBefore,
    redisCpuSeconds: cpuSecondsOfCommand('redis-server') - redisBefore,
    benchWallSeconds: selfStats.wallSeconds,
    writes,
    writesByTable,
    tokenRequests: log.filter((e) => e.origin === 'login' && e.path.includes('/oauth2/v2.0/token')).length,
    graphRequests: log.filter((e) => e.origin === 'graph').length,
    graphErrors: log.filter((e) => e.origin === 'graph' && (e.status === 0 || e.status >= 500)).length,
    early: log.filter((e) => e.early).length,
    loadAverageBefore,
  }
}

function summarise(
  scenario: string,
  n: number,
  wallSeconds: number,
  requestsPerJob: number,
  opts: FleetOptions,
  m: RunMeasure,
  extra: Record<string, unknown>,
): ScenarioResult {
  const idealSeconds = (n * requestsPerJob * opts.latencyMs) / 1000 / opts.concurrency
  return {
    scenario,
    tenants: n,
    wallSeconds: round(wallSeconds),
    idealSeconds: round(idealSeconds),
    efficiency: wallSeconds > 0 ? round(idealSeconds / wallSeconds, 3) : null,
    tokenRequestsPerTenant: round(m.tokenRequests / n, 3),
    dbWritesPerCheck: round(m.writes / n, 2),
    workerPeakRssMb: m.peakRssMb,
    details: {
      concurrency: opts.concurrency,
      latencyMs: opts.latencyMs,
      workerNodeOptions: opts.workerNodeOptions ?? [],
      graphRequestsPerJob: round(requestsPerJob, 3),
      throughputPerSecond: round(n / wallSeconds, 1),
      latencyBoundThroughputPerSecond: round(
        opts.concurrency / ((requestsPerJob * opts.latencyMs) / 1000),
        1,
      ),
      graphRequests: m.graphRequests,
      graphErrors: m.graphErrors,
      tokenRequests: m.tokenRequests,
      earlyRetries: m.early,
      workerRssAtFirstJobMb: m.startupRssMb,
      dbWrites: m.writes,
      dbWritesByTable: m.writesByTable,
      workerCpuSeconds: round(m.workerCpuSeconds, 1),
      workerCpuPerJobMs: round((m.workerCpuSeconds * 1000) / n, 2),
      simulatorCpuSeconds: round(m.simCpuSeconds, 1),
      simulatorEventLoopUtilisation: round(m.simEventLoopUtilisation, 3),
      postgresCpuSeconds: round(m.postgresCpuSeconds, 1),
      redisCpuSeconds: round(m.redisCpuSeconds, 1),
      benchWallSeconds: round(m.benchWallSeconds, 1),
      loadAverageBefore: round(m.loadAverageBefore, 2),
      ...extra,
    },
  }
}

/** One full scheduled re-check of the fleet, enqueued by the worker's own sweep. */
export async function fleetCheck(opts: FleetOptions): Promise<ScenarioResult> {
  const { sim, db, tenants: n } = opts
  const prefix = 'a'
  sim.state.reset() // each scenario starts from the seed: no tenants, faults or log of the previous one
  const ids = Array.from({ length: n }, (_, i) => tenantIdFor(prefix, i))
  opts.log(`fleet ${String(n)}: seeding ${String(n)} tenants in the simulator and Postgres`)
  createSimTenants(sim.state, ids, { partner: true, label: `fleet${String(n)}x` })
  const hash = compliantHash(sim.state, ids[0] ?? '')
  const label = `fleet${String(n)}c`
  await insertOnboardedCustomers(db.client, ids, { label, observedHash: hash, dueAt: new Date(0) })
  await db.client.query('VACUUM ANALYZE customers')
  await db.client.query('VACUUM ANALYZE check_runs')

  const count = async () => {
    const { rows } = await db.client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM check_runs r JOIN customers c ON c.id = r.customer_id
       WHERE r.kind = 'check' AND r.trigger = 'schedule' AND c.name LIKE $1`,
      [`${label}%`],
    )
    return rows[0]?.n ?? 0
  }
  let lastLogged = 0
  opts.log(
    `fleet ${String(n)}: starting the worker (concurrency ${String(opts.concurrency)}), waiting for the sweep`,
  )
  const idealSeconds = (n * opts.latencyMs) / 1000 / opts.concurrency
  const m = await measuredRun(
    opts,
    `fleet${String(n)}`,
    new Set(ids),
    async () => {
      // Nothing to enqueue: the worker's own sweep finds the due checks.
    },
    async () => (await count()) > 0,
    async () => {
      const done = await count()
      if (Date.now() - lastLogged > 10_000) {
        lastLogged = Date.now()
        opts.log(`  … ${String(done)}/${String(n)} checks recorded`)
      }
      return done >= n
    },
    Math.max(180_000, idealSeconds * 1000 * 40 + 60_000),
  )
  const { rows } = await db.client.query<{
    first: Date
    last: Date
    outcomes: Record<string, number>
    p50: number
    p99: number
  }>(
    `SELECT min(r.started_at) AS first, max(r.finished_at) AS last,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY r.duration_ms) AS p50,
       percentile_cont(0.99) WITHIN GROUP (ORDER BY r.duration_ms) AS p99,
       (SELECT jsonb_object_agg(outcome, k) FROM (
          SELECT r2.outcome, count(*) AS k FROM check_runs r2 JOIN customers c2 ON c2.id = r2.customer_id
          WHERE r2.kind = 'check' AND c2.name LIKE $1 GROUP BY r2.outcome) o) AS outcomes
     FROM check_runs r JOIN customers c ON c.id = r.customer_id
     WHERE r.kind = 'check' AND r.trigger = 'schedule' AND c.name LIKE $1`,
    [`${label}%`],
  )
  const row = rows[0]
  if (!row) throw new Error('no check runs')
  const wall = (row.last.getTime() - row.first.getTime()) / 1000
  const result = summarise(
    `fleet-check-${String(n)}-c${String(opts.concurrency)}${variant(opts)}`,
    n,
    wall,
    m.graphRequests / n,
    opts,
    m,
    {
      outcomes: row.outcomes,
      checkDurationP50Ms: Math.round(row.p50),
      checkDurationP99Ms: Math.round(row.p99),
    },
  )
  opts.log(`fleet ${String(n)}: ${JSON.stringify({ ...result, details: undefined })}`)
  return result
}

/**
 * An onboarding wave: N customers whose admin consent arrived (consent_received, consent granted in the
 * simulator long enough ago to have replicated) get their onboard jobs at once, as N consent callbacks would
 * enqueue them.
 */
export async function onboardingWave(opts: FleetOptions): Promise<ScenarioResult> {
  const { sim, db, tenants: n } = opts
  sim.state.reset()
  const ids = Array.from({ length: n }, (_, i) => tenantIdFor('b', i))
  opts.log(`onboarding ${String(n)}: seeding ${String(n)} consented tenants and consent_received customers`)
  createSimTenants(sim.state, ids, { partner: false, label: `wave${String(n)}x` })
  const label = `wave${String(n)}c`
  const consentAt = new Date(Date.now() - 60_000)
  await insertConsentReceivedCustomers(db.client, ids, { label, consentAt })
  await db.client.query('VACUUM ANALYZE customers')
  const { rows: customers } = await db.client.query<{ id: string }>(
    `SELECT id::text AS id FROM customers WHERE name LIKE $1`,
    [`${label}%`],
  )

  const finished = async () => {
    const { rows } = await db.client.query<{ done: number; failed: number }>(
      `SELECT count(*) FILTER (WHERE onboarding_state = 'onboarded')::int AS done,
              count(*) FILTER (WHERE onboarding_state = 'failed')::int AS failed
       FROM customers WHERE name LIKE $1`,
      [`${label}%`],
    )
    return rows[0] ?? { done: 0, failed: 0 }
  }
  let lastLogged = 0
  const m = await measuredRun(
    opts,
    `wave${String(n)}`,
    new Set(ids),
    async (queues) => {
      // Enqueued before the worker starts, as the consent callbacks do (same deterministic ids).
      await queues.queue('onboard').addBulk(
        customers.map((c) => {
          const data = { customerId: c.id, consentReceivedAt: consentAt.toISOString() }
          return { name: 'onboard', data, opts: { jobId: jobIdFor('onboard', data) } }
        }),
      )
    },
    async () => {
      const { rows: begun } = await db.client.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM onboarding_steps s JOIN customers c ON c.id = s.customer_id
         WHERE s.step = 'access_verified' AND s.started_at IS NOT NULL AND c.name LIKE $1`,
        [`${label}%`],
      )
      return (begun[0]?.n ?? 0) > 0
    },
    async () => {
      const f = await finished()
      if (Date.now() - lastLogged > 10_000) {
        lastLogged = Date.now()
        opts.log(`  … ${String(f.done)} onboarded, ${String(f.failed)} failed of ${String(n)}`)
      }
      return f.done + f.failed >= n
    },
    600_000,
  )
  const { rows } = await db.client.query<{ first: Date | null; last: Date | null }>(
    `SELECT (SELECT min(s.started_at) FROM onboarding_steps s JOIN customers c ON c.id = s.customer_id
             WHERE s.step = 'access_verified' AND c.name LIKE $1) AS first,
            (SELECT max(s.finished_at) FROM onboarding_steps s JOIN customers c ON c.id = s.customer_id
             WHERE s.step = 'verified' AND c.name LIKE $1) AS last`,
    [`${label}%`],
  )
  const row = rows[0]
  if (row?.first == null || row.last == null) throw new Error('no onboarding timestamps')
  const f = await finished()
  const wall = (row.last.getTime() - row.first.getTime()) / 1000
  const result = summarise(
    `onboarding-wave-${String(n)}-c${String(opts.concurrency)}${variant(opts)}`,
    n,
    wall,
    m.graphRequests / n,
    opts,
    m,
    {
      onboarded: f.done,
      failed: f.failed,
    },
  )
  opts.log(`onboarding ${String(n)}: ${JSON.stringify({ ...result, details: undefined })}`)
  return result
}
