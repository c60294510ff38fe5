// Fleet scenarios: one full scheduled re-check of N onboarded tenants, and an onboarding wave, each driven
// by the real worker (production bundle) in its own process against the simulator (in this process) with
// latency L per Graph request and T per token request. Numbers come from Postgres (check_runs /
// onboarding_steps timestamps, pg_stat_user_tables, the SQL counter), Redis INFO commandstats, the
// simulator's request log and /proc (support/measured-run.ts).
import { jobIdFor } from '@crosstrust/jobs'
import { DEFAULT_SETTINGS } from '@crosstrust/ms-sim'
import {
  compliantHash,
  createSimTenants,
  insertConsentReceivedCustomers,
  insertOnboardedCustomers,
  tenantIdFor,
} from './support/seed.ts'
import { measuredRun, type FleetOptions, type RunMeasure } from './support/measured-run.ts'

export type { FleetOptions } from './support/measured-run.ts'

export interface ScenarioResult {
  scenario: string
  tenants: number
  wallSeconds: number | null
  idealSeconds: number | null
  efficiency: number | null
  tokenRequestsPerTenant: number | null
  dbWritesPerCheck: number | null
  workerPeakRssMb: number | null
  /** The C asked for (WORKER_CONCURRENCY). */
  concurrency: number | null
  /** Mean Graph requests in flight, from the simulator's log (the C really achieved). */
  graphConcurrencyAchieved: number | null
  workerCpuMsPerCheck: number | null
  sqlStatementsPerCheck: number | null
  redisCommandsPerCheck: number | null
  /** 1-minute load average of the machine when the scenario started. */
  loadAverage: number
  /** Everything else the report prints (not part of the JSON contract's required fields). */
  details: Record<string, unknown>
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits

/** Scenario name suffix for non-default worker flags, so such runs never replace the default ones. */
function variant(opts: FleetOptions): string {
  const flags = opts.workerNodeOptions ?? []
  return flags.length === 0
    ? ''
    : `-${flags.map((f) => f.replace(/^-+/, '').replace(/[^a-z0-9]+/gi, '-')).join('-')}`
}

function summarise(
  scenario: string,
  n: number,
  wallSeconds: number,
  opts: FleetOptions,
  m: RunMeasure,
  extra: Record<string, unknown>,
): ScenarioResult {
  const graphPerJob = m.graphRequests / n
  const tokensPerJob = m.tokenRequests / n
  // Every slot always waiting on Microsoft: Graph requests and token requests both count.
  const busyMsPerJob = graphPerJob * opts.latencyMs + tokensPerJob * opts.tokenLatencyMs
  const idealSeconds = (n * busyMsPerJob) / 1000 / opts.concurrency
  // The worker's CPU from its first recorded job to its exit: start-up (loading the bundle, Prisma, MSAL)
  // is a once-per-process cost, not a per-check one (it is in workerCpuSecondsAtFirstJob).
  const checkCpuSeconds = m.workerCpuSeconds - m.workerCpuSecondsAtFirstJob
  const workerCpuMsPerCheck = round((checkCpuSeconds * 1000) / n, 2)
  return {
    scenario,
    tenants: n,
    wallSeconds: round(wallSeconds),
    idealSeconds: round(idealSeconds),
    efficiency: wallSeconds > 0 ? round(idealSeconds / wallSeconds, 3) : null,
    tokenRequestsPerTenant: round(tokensPerJob, 3),
    dbWritesPerCheck: round(m.writes / n, 2),
    workerPeakRssMb: m.peakRssMb,
    concurrency: opts.concurrency,
    graphConcurrencyAchieved: m.graphInFlight.mean,
    workerCpuMsPerCheck,
    sqlStatementsPerCheck: round(m.sqlStatements / n, 3),
    redisCommandsPerCheck: round(m.redisCommands / n, 3),
    loadAverage: round(m.loadAverageBefore, 2),
    details: {
      concurrency: opts.concurrency,
      latencyMs: opts.latencyMs,
      tokenLatencyMs: opts.tokenLatencyMs,
      workerNodeFlags: [...opts.worker.nodeFlags, ...(opts.workerNodeOptions ?? [])],
      graphRequestsPerJob: round(graphPerJob, 3),
      graphReadsPerJob: round(m.graphReads / n, 3),
      throughputPerSecond: round(n / wallSeconds, 1),
      latencyBoundThroughputPerSecond:
        busyMsPerJob > 0 ? round(opts.concurrency / (busyMsPerJob / 1000), 1) : null,
      graphRequests: m.graphRequests,
      graphReads: m.graphReads,
      graphErrors: m.graphErrors,
      graphConcurrencyMax: m.graphInFlight.max,
      graphConcurrencyMean: m.graphInFlight.mean,
      tokenRequests: m.tokenRequests,
      earlyRetries: m.early,
      workerRssAtFirstJobMb: m.startupRssMb,
      dbWrites: m.writes,
      dbWritesByTable: m.writesByTable,
      sqlStatements: m.sqlStatements,
      dbSessionSamples: m.dbWaits.sessionSamples,
      dbWaits: m.dbWaits.byWait,
      sqlStatementsSource: m.sqlStatementsSource,
      redisCommands: m.redisCommands,
      redisTopCommands: m.redisTopCommands,
      redisCommandsSource: m.redisCommandsSource,
      workerCpuSeconds: round(m.workerCpuSeconds, 1),
      workerCpuSecondsAtFirstJob: round(m.workerCpuSecondsAtFirstJob, 1),
      // One worker core's capacity: checks per CPU-second of the worker process.
      checksPerWorkerCoreSecond: checkCpuSeconds > 0 ? round(n / checkCpuSeconds, 0) : null,
      simulatorCpuSeconds: round(m.simCpuSeconds, 1),
      simulatorEventLoopUtilisation: round(m.simEventLoopUtilisation, 3),
      postgresCpuSeconds: round(m.postgresCpuSeconds, 1),
      redisCpuSeconds: round(m.redisCpuSeconds, 1),
      benchWallSeconds: round(m.benchWallSeconds, 1),
      loadAverageBefore: round(m.loadAverageBefore, 2),
      loadAverageMax: round(m.loadAverageMax, 2),
      loadAverageAfter: round(m.loadAverageAfter, 2),
      profileDir: m.profileDir,
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
  // The progress poll runs every 500 ms for the whole run, and its CPU counts as PostgreSQL's: the exact
  // count above joins a growing table (at 100,000 checks it cost PostgreSQL about 0.15 s of CPU per second
  // of run). So it polls the table's insert counter, which costs nothing, and counts exactly only once that
  // says the work may be done (or every 5 s).
  const inserted = async () => {
    const { rows } = await db.client.query<{ n: number }>(
      `SELECT n_tup_ins::int AS n FROM pg_stat_user_tables WHERE relname = 'check_runs'`,
    )
    return rows[0]?.n ?? 0
  }
  const insertedBefore = await inserted()
  let lastLogged = 0
  let lastCounted = Date.now()
  opts.log(
    `fleet ${String(n)}: starting the worker (concurrency ${String(opts.concurrency)}), waiting for the sweep`,
  )
  const idealSeconds = (n * (opts.latencyMs + opts.tokenLatencyMs)) / 1000 / opts.concurrency
  const m = await measuredRun(
    opts,
    `fleet${String(n)}`,
    new Set(ids),
    async () => {
      // Nothing to enqueue: the worker's own sweep finds the due checks.
    },
    async () => (await inserted()) > insertedBefore,
    async () => {
      const recorded = (await inserted()) - insertedBefore
      if (Date.now() - lastLogged > 10_000) {
        lastLogged = Date.now()
        opts.log(`  … about ${String(recorded)}/${String(n)} checks recorded`)
      }
      // The counter lags (a backend reports its inserts about once a second, an idle one within 10 s), so an
      // exact count also runs every 5 s, whatever the counter says.
      if (recorded < n && Date.now() - lastCounted < 5_000) return false
      lastCounted = Date.now()
      return (await count()) >= n
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
  if (f.failed > 0)
    opts.log(
      `onboarding ${String(n)}: ${String(f.failed)} failed; the worker's last lines:\n${m.workerLogTail}`,
    )
  const wall = (row.last.getTime() - row.first.getTime()) / 1000
  const result = summarise(
    `onboarding-wave-${String(n)}-c${String(opts.concurrency)}${variant(opts)}`,
    n,
    wall,
    opts,
    m,
    {
      onboarded: f.done,
      failed: f.failed,
    },
  )
  // Beside the target's ideal (requests × their latency): the same ideal plus Microsoft's read-after-write
  // lag, which every onboarding must wait out once between its write and the read that verifies it (the
  // simulator's default profile, the tenants' own setting).
  const lagSeconds = DEFAULT_SETTINGS.readLagSeconds
  const idealWithLag = (result.idealSeconds ?? 0) + (n * lagSeconds) / opts.concurrency
  Object.assign(result.details, {
    readAfterWriteLagSeconds: lagSeconds,
    idealSecondsWithReadLag: round(idealWithLag),
    efficiencyWithReadLag: wall > 0 ? round(idealWithLag / wall, 3) : null,
  })
  opts.log(`onboarding ${String(n)}: ${JSON.stringify({ ...result, details: undefined })}`)
  return result
}
