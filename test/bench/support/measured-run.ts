// One measured run of the worker: start it from the production bundle, wait until the scenario is done,
// stop it, and read every figure around it from the servers (PostgreSQL, Redis, the simulator's log, /proc).
import { mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { loadavg } from 'node:os'
import { JobQueues, createRedis, JOB_KINDS } from '@crosstrust/jobs'
import type { RunningSimulator } from '@crosstrust/ms-sim'
import { envFor, queuePrefix, tableWrites, tupleWrites, type BenchDatabase } from '../context.ts'
import { startProduct, waitUntil, type ProductLaunch } from './processes.ts'
import {
  cpuSecondsOf,
  cpuSecondsOfCommand,
  measureSelf,
  peakRssMb as readPeakRssMb,
  watchPeakRss,
} from './process-stats.ts'
import { inFlight, type InFlight } from './in-flight.ts'
import { sampleDbWaits, type DbWaits } from './db-waits.ts'
import {
  redisCommandsByName,
  sqlStatementCounter,
  topCommandDeltas,
  type BenchRedis,
} from './server-counters.ts'

export interface FleetOptions {
  sim: RunningSimulator
  db: BenchDatabase
  redis: BenchRedis
  trustBundle: string
  /** The worker as production starts it (bundle, Dockerfile flags). */
  worker: ProductLaunch
  tenants: number
  concurrency: number
  /** Added to every Graph request. */
  latencyMs: number
  /** Added to every token request (client credentials at the token endpoint). */
  tokenLatencyMs: number
  /** Extra node flags for the worker beyond the Dockerfile's (a deployment experiment). */
  workerNodeOptions?: string[]
  /** Write a V8 CPU profile of the worker (node --cpu-prof) into this directory. */
  profileDir?: string
  log: (line: string) => void
}

export interface RunMeasure {
  peakRssMb: number
  startupRssMb: number | null
  workerCpuSeconds: number
  /** CPU the worker had used when the first job was recorded (start-up: loading the bundle, connecting). */
  workerCpuSecondsAtFirstJob: number
  simCpuSeconds: number
  simEventLoopUtilisation: number
  postgresCpuSeconds: number
  redisCpuSeconds: number
  benchWallSeconds: number
  writes: number
  writesByTable: Record<string, number>
  sqlStatements: number
  sqlStatementsSource: string
  redisCommands: number
  /** The commands that made up most of them (name → calls). */
  redisTopCommands: Record<string, number>
  redisCommandsSource: string
  tokenRequests: number
  /** HTTP requests to Graph: a JSON batch counts once. */
  graphRequests: number
  /** Reads and writes Graph answered: each item of a batch, and every plain request. */
  graphReads: number
  graphErrors: number
  graphInFlight: InFlight
  early: number
  loadAverageBefore: number
  loadAverageMax: number
  loadAverageAfter: number
  /** The worker's CPU profile, when --profile asked for one. */
  profileDir: string | null
  /** Where the product's database sessions waited while the scenario ran (sampled). */
  dbWaits: DbWaits
  /** The last lines the worker logged (it logs at warn): what a scenario with failures prints. */
  workerLogTail: string
}

async function flushStats(db: BenchDatabase): Promise<void> {
  // This backend's own pending counters; the worker's backends flush when they exit (it is stopped first).
  await db.client.query('SELECT pg_stat_force_next_flush()')
  await db.client.query('SELECT 1')
  await new Promise((r) => setTimeout(r, 1_200))
}

function profileArgs(opts: FleetOptions, label: string): { args: string[]; dir: string | null } {
  if (!opts.profileDir) return { args: [], dir: null }
  const dir = join(opts.profileDir, `worker-${label}`)
  rmSync(dir, { recursive: true, force: true }) // a previous run's profile must not be summarised again
  mkdirSync(dir, { recursive: true })
  return { args: ['--cpu-prof', `--cpu-prof-dir=${dir}`], dir }
}

/** Starts the worker, waits for `done`, stops it, and measures around it. */
export async function measuredRun(
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
  const sql = await sqlStatementCounter(db.name, () => db.ownQueries())
  const firstSeq = sim.state.requests.lastSeq
  const graphLatency = sim.state.faults.add({ kind: 'latency', origin: 'graph', latencyMs: opts.latencyMs })
  const tokenLatency = sim.state.faults.add({
    kind: 'latency',
    origin: 'login',
    pathContains: '/oauth2/v2.0/token',
    latencyMs: opts.tokenLatencyMs,
  })
  const loadAverageBefore = loadavg()[0] ?? 0
  let loadAverageMax = loadAverageBefore
  const pgBefore = cpuSecondsOfCommand('postgres')
  const redisCpu = () =>
    opts.redis.pid === null ? cpuSecondsOfCommand('redis-server') : (cpuSecondsOf(opts.redis.pid) ?? 0)
  const redisCpuBefore = redisCpu()
  const prefix = queuePrefix(label)
  const connection = createRedis(opts.redis.url)
  const queues = new JobQueues(connection, prefix)
  await before(queues)
  const sqlBefore = await sql.read()
  const redisBefore = await redisCommandsByName(connection)
  const self = measureSelf()
  const profile = profileArgs(opts, label)
  const worker = startProduct(
    `worker-${label}`,
    opts.worker,
    envFor(sim, db, {
      redisUrl: opts.redis.url,
      queuePrefix: prefix,
      publicBaseUrl: 'http://127.0.0.1:3000',
      trustBundle: opts.trustBundle,
      concurrency: opts.concurrency,
    }),
    [...(opts.workerNodeOptions ?? []), ...profile.args],
  )
  const rss = watchPeakRss(worker.pid)
  const waits = sampleDbWaits(db)
  let dbWaits: DbWaits
  let peakRssMb: number
  let workerLogTail: string
  let selfStats: { cpuSeconds: number; elu: number; wallSeconds: number }
  let workerCpuSeconds = 0
  let startupRssMb: number | null = null
  let cpuAtFirstJob = 0
  let redisCommands: number
  let redisTopCommands: Record<string, number>
  const cpuTimer = setInterval(() => {
    workerCpuSeconds = cpuSecondsOf(worker.pid) ?? workerCpuSeconds
    loadAverageMax = Math.max(loadAverageMax, loadavg()[0] ?? 0)
  }, 500)
  try {
    await waitUntil(
      `${label} to finish`,
      async () => {
        if (worker.child.exitCode !== null) throw new Error(`worker exited early:\n${worker.tail()}`)
        // Peak RSS before the work began: what the process costs idle (the bundle, Prisma, MSAL).
        if (startupRssMb === null && (await started())) {
          startupRssMb = readPeakRssMb(worker.pid)
          cpuAtFirstJob = cpuSecondsOf(worker.pid) ?? 0
        }
        return done()
      },
      timeoutMs,
      500,
    )
  } finally {
    clearInterval(cpuTimer)
    dbWaits = await waits.stop()
    workerCpuSeconds = cpuSecondsOf(worker.pid) ?? workerCpuSeconds
    peakRssMb = rss.stop()
    selfStats = self.stop()
    await worker.stop()
    workerLogTail = worker.tail()
    // Read before the harness's own clean-up commands.
    const redisAfter = await redisCommandsByName(connection)
    redisTopCommands = topCommandDeltas(redisBefore, redisAfter)
    // Less the INFO that read the first figure.
    redisCommands =
      [...redisAfter.values()].reduce((a, b) => a + b, 0) -
      [...redisBefore.values()].reduce((a, b) => a + b, 0) -
      1
    sim.state.faults.remove(graphLatency.id)
    sim.state.faults.remove(tokenLatency.id)
    for (const kind of JOB_KINDS) {
      await queues.queue(kind).obliterate({ force: true })
    }
    await queues.close()
    connection.disconnect()
  }
  await flushStats(db)
  const sqlStatements = (await sql.read()) - sqlBefore
  await sql.close()
  const writes = (await tupleWrites(db.client)) - writesBefore
  const tablesAfter = await tableWrites(db.client)
  const writesByTable: Record<string, number> = {}
  for (const [table, n] of tablesAfter) {
    const delta = n - (tablesBefore.get(table) ?? 0)
    if (delta > 0) writesByTable[table] = delta
  }
  const since = sim.state.requests.list({ sinceSeq: firstSeq })
  // A ring buffer that wrapped during the run has lost its oldest entries: every figure read from the log
  // (the ideal, C achieved, token requests) would be undercounted, so the run is refused instead.
  if (since.length < sim.state.requests.lastSeq - firstSeq) {
    throw new Error(
      `the simulator request log overflowed (${String(sim.state.requests.lastSeq - firstSeq)} requests, ${String(since.length)} kept); raise requestLogCap`,
    )
  }
  const log = since.filter((e) => e.tenant && tenantIds.has(e.tenant))
  // HTTP requests to Graph (a JSON batch is one, whatever it carries) for the latency ideal and the in-flight
  // concurrency; the reads Graph answered (a batch's items and plain requests) for throttling and errors.
  const graph = log.filter((e) => e.origin === 'graph' && e.batch === null)
  const graphReads = log.filter((e) => e.origin === 'graph' && !isBatchEnvelope(e))
  return {
    peakRssMb,
    startupRssMb,
    workerCpuSeconds,
    workerCpuSecondsAtFirstJob: cpuAtFirstJob,
    simCpuSeconds: selfStats.cpuSeconds,
    simEventLoopUtilisation: selfStats.elu,
    postgresCpuSeconds: cpuSecondsOfCommand('postgres') - pgBefore,
    redisCpuSeconds: redisCpu() - redisCpuBefore,
    benchWallSeconds: selfStats.wallSeconds,
    workerLogTail,
    dbWaits,
    writes,
    writesByTable,
    sqlStatements,
    sqlStatementsSource: sql.source,
    redisCommands,
    redisTopCommands,
    redisCommandsSource: opts.redis.exclusive
      ? 'INFO commandstats of the benchmark’s own Redis'
      : 'INFO commandstats of a shared Redis (includes other clients)',
    tokenRequests: log.filter((e) => e.origin === 'login' && e.path.includes('/oauth2/v2.0/token')).length,
    graphRequests: graph.length,
    graphReads: graphReads.length,
    graphErrors: graphReads.filter((e) => e.status === 0 || e.status >= 500).length,
    graphInFlight: inFlight(graph),
    early: log.filter((e) => e.early).length,
    loadAverageBefore,
    loadAverageMax,
    loadAverageAfter: loadavg()[0] ?? 0,
    profileDir: profile.dir,
  }
}

const isBatchEnvelope = (e: { method: string; path: string }) =>
  e.method === 'POST' && e.path.split('?')[0]?.toLowerCase().endsWith('/$batch') === true
