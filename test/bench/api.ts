// Staff API benchmark: 100,000 customers (bulk SQL), the real API in its own process, autocannon from this
// process. Each route's p50/p99 and requests/s are set against the bare `/healthz` route of the same API
// process, measured in the same run, so the ratios say what the route itself costs on this machine.
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { loadavg } from 'node:os'
import autocannon, { type Result } from 'autocannon'
import { defaultPolicy, snapshotOwnedFields } from '@crosstrust/core'
import { DEMO_IDS } from '@crosstrust/ms-sim'
import { customerListQuerySchema, customerPageSql } from '@crosstrust/services'
import {
  createBenchDatabase,
  envFor,
  queuePrefix,
  startBenchSimulator,
  type BenchDatabase,
} from './context.ts'
import type { ScenarioResult } from './fleet.ts'
import { freePort, startProduct, waitUntil, type ProductLaunch } from './support/processes.ts'
import { compliantPartner } from './support/seed.ts'
import { staffAccessToken } from './support/staff-token.ts'

export interface ApiBenchOptions {
  customers: number
  seconds: number
  connections?: number
  redisUrl: string
  trustBundle: string
  /** The API as production starts it (bundle, Dockerfile flags). */
  api: ProductLaunch
  /** Write a V8 CPU profile of the API process into this directory. */
  profileDir?: string
  log: (line: string) => void
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits

/**
 * A realistic spread: 70 % onboarded and compliant, 10 % drifted, 5 % unknown, 5 % access lost, 5 % mid
 * onboarding (link issued), 5 % failed onboarding; every customer has its six onboarding steps.
 */
export async function seedCustomers(db: BenchDatabase, n: number): Promise<void> {
  const snapshot = JSON.stringify(snapshotOwnedFields(defaultPolicy, compliantPartner()))
  const diff = JSON.stringify({
    status: 'drifted',
    removalKind: null,
    fields: [
      {
        path: 'inboundTrust.isMfaAccepted',
        label: 'Trust MFA from the partner',
        desired: true,
        observed: false,
        remediation: 'set',
        accepted: null,
        drift: true,
      },
    ],
  })
  await db.client.query(
    `INSERT INTO customers (name, expected_domain, tenant_id, expected_tenant_id, verified_domains,
       onboarding_state, compliance_state, compliance_changed_at, compliant_policy_version, mode, last_check_at,
       next_check_at, current_diff, last_observed_snapshot, created_at, updated_at)
     SELECT 'Customer ' || lpad(g::text, 6, '0') || ' ' || (ARRAY['AB','Ltd','GmbH','Inc','Oy'])[1 + g % 5],
       'customer' || g || '.example',
       CASE WHEN s.onb = 'onboarded' THEN gen_random_uuid() END,
       gen_random_uuid(),
       CASE WHEN s.onb = 'onboarded' THEN ARRAY['customer' || g || '.example'] ELSE ARRAY[]::text[] END,
       s.onb::onboarding_state, s.comp::compliance_state,
       now() - (g % 1000) * interval '1 minute',
       CASE WHEN s.onb = 'onboarded' THEN 1 END,
       (ARRAY[NULL, NULL, NULL, 'report', 'remediate'])[1 + g % 5]::customer_mode,
       CASE WHEN s.onb = 'onboarded' THEN now() - (g % 360) * interval '1 minute' END,
       CASE WHEN s.onb = 'onboarded' THEN now() + (g % 360) * interval '1 minute' END,
       CASE WHEN s.comp = 'drifted' THEN $2::jsonb END,
       CASE WHEN s.onb = 'onboarded' THEN $3::jsonb END,
       now() - g * interval '1 second', now()
     FROM generate_series(1, $1::int) AS g
     CROSS JOIN LATERAL (SELECT CASE
         WHEN g % 20 < 14 THEN 'onboarded' WHEN g % 20 < 16 THEN 'onboarded' WHEN g % 20 = 16 THEN 'onboarded'
         WHEN g % 20 = 17 THEN 'onboarded' WHEN g % 20 = 18 THEN 'link_issued' ELSE 'failed' END AS onb,
       CASE
         WHEN g % 20 < 14 THEN 'compliant' WHEN g % 20 < 16 THEN 'drifted' WHEN g % 20 = 16 THEN 'unknown'
         WHEN g % 20 = 17 THEN 'access_lost' ELSE 'pending' END AS comp) AS s`,
    [n, diff, snapshot],
  )
  await db.client.query(
    `INSERT INTO onboarding_steps (customer_id, step, status, attempts, started_at, finished_at, message, updated_at)
     SELECT c.id, s.step::onboarding_step_name,
       (CASE WHEN c.onboarding_state = 'onboarded' OR s.ord <= 1 THEN 'succeeded'
             WHEN c.onboarding_state = 'failed' AND s.ord = 3 THEN 'failed'
             WHEN c.onboarding_state = 'failed' AND s.ord < 3 THEN 'succeeded'
             ELSE 'pending' END)::step_status,
       1, c.created_at, c.created_at, 'seeded', now()
     FROM customers c CROSS JOIN (VALUES ('link_issued', 1), ('consent_received', 2), ('access_verified', 3),
       ('prerequisites_checked', 4), ('tenant_confirmed', 5), ('policy_applied', 6), ('verified', 7)) AS s(step, ord)`,
  )
  await db.client.query('VACUUM ANALYZE customers')
  await db.client.query('VACUUM ANALYZE onboarding_steps')
}

/** Server-side execution time of the product's own SQL (EXPLAIN ANALYZE), to separate SQL from API cost. */
async function sqlMs(db: BenchDatabase, text: string, values: unknown[]): Promise<number> {
  const { rows } = await db.client.query<{ 'QUERY PLAN': [{ 'Execution Time': number }] }>(
    `EXPLAIN (ANALYZE, FORMAT JSON) ${text}`,
    values,
  )
  return round(rows[0]?.['QUERY PLAN'][0]['Execution Time'] ?? NaN, 2)
}

async function load(
  url: string,
  seconds: number,
  connections: number,
  token: string | null,
): Promise<Result> {
  return autocannon({
    url,
    connections,
    duration: seconds,
    ...(token === null ? {} : { headers: { authorization: `Bearer ${token}` } }),
  })
}

export async function apiBenchmark(opts: ApiBenchOptions): Promise<ScenarioResult[]> {
  const connections = opts.connections ?? 10
  const port = await freePort()
  const base = `http://127.0.0.1:${String(port)}`
  const sim = await startBenchSimulator({ requestLogCap: 10_000, redirectBase: base })
  const db = await createBenchDatabase()
  if (opts.profileDir) rmSync(join(opts.profileDir, 'api'), { recursive: true, force: true })
  const api = startProduct(
    'api',
    opts.api,
    envFor(sim, db, {
      redisUrl: opts.redisUrl,
      queuePrefix: queuePrefix('api'),
      publicBaseUrl: base,
      trustBundle: opts.trustBundle,
      port,
    }),
    opts.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${join(opts.profileDir, 'api')}`] : [],
  )
  try {
    opts.log(`api: seeding ${String(opts.customers)} customers`)
    await seedCustomers(db, opts.customers)
    await waitUntil(
      'the API to be ready',
      async () => {
        if (api.child.exitCode !== null) throw new Error(`API exited:\n${api.tail()}`)
        return fetch(`${base}/readyz`).then(
          (r) => r.ok,
          () => false,
        )
      },
      60_000,
    )
    const page1 = customerPageSql(customerListQuerySchema.parse({ complianceState: 'drifted', limit: 50 }))
    const sql: Record<string, number> = {
      'api-list-drifted': await sqlMs(db, page1.text, page1.values),
      // The summary's grouped pass (packages/services/src/staff/summary.ts).
      'api-summary': await sqlMs(
        db,
        `SELECT GROUPING(onboarding_state), GROUPING(compliance_state), GROUPING(mode), onboarding_state,
           compliance_state, mode, count(*) FROM customers
         GROUP BY GROUPING SETS ((onboarding_state), (compliance_state), (mode), ())`,
        [],
      ),
    }
    const token = await staffAccessToken(sim, DEMO_IDS.staff.viewer, `${base}/auth/callback`)
    const first = await fetch(`${base}/api/v1/customers?complianceState=drifted&limit=50`, {
      headers: { authorization: `Bearer ${token}` },
    })
    if (first.status !== 200) throw new Error(`GET /api/v1/customers answered ${String(first.status)}`)
    const page = (await first.json()) as { items: unknown[]; nextCursor: string | null }
    if (page.items.length !== 50 || page.nextCursor === null) throw new Error('the first page is not full')
    const routes: { scenario: string; path: string; auth: boolean }[] = [
      { scenario: 'api-bare-healthz', path: '/healthz', auth: false },
      {
        scenario: 'api-list-drifted',
        path: '/api/v1/customers?complianceState=drifted&limit=50',
        auth: true,
      },
      {
        scenario: 'api-list-drifted-cursor',
        path: `/api/v1/customers?complianceState=drifted&limit=50&cursor=${encodeURIComponent(page.nextCursor)}`,
        auth: true,
      },
      { scenario: 'api-list-search', path: '/api/v1/customers?q=customer0421&limit=50', auth: true },
      { scenario: 'api-summary', path: '/api/v1/summary', auth: true },
    ]
    // Warm-up (JIT, JWKS fetch, pool), then the measured runs, bare route first.
    for (const r of routes) await load(`${base}${r.path}`, 2, connections, r.auth ? token : null)
    const results: { scenario: string; path: string; result: Result; loadAverage: number }[] = []
    for (const r of routes) {
      opts.log(`api: ${r.path} for ${String(opts.seconds)} s, ${String(connections)} connections`)
      const loadAverage = loadavg()[0] ?? 0
      results.push({
        ...r,
        loadAverage,
        result: await load(`${base}${r.path}`, opts.seconds, connections, r.auth ? token : null),
      })
    }
    const bare = results[0]?.result
    if (!bare) throw new Error('no baseline')
    return results.map(({ scenario, path, result, loadAverage }) => ({
      scenario,
      tenants: opts.customers,
      wallSeconds: null,
      idealSeconds: null,
      efficiency: null,
      tokenRequestsPerTenant: null,
      dbWritesPerCheck: null,
      workerPeakRssMb: null,
      concurrency: null,
      graphConcurrencyAchieved: null,
      workerCpuMsPerCheck: null,
      sqlStatementsPerCheck: null,
      redisCommandsPerCheck: null,
      loadAverage: round(loadAverage, 2),
      details: {
        path,
        connections,
        seconds: opts.seconds,
        requestsPerSecond: round(result.requests.average, 0),
        p50Ms: result.latency.p50,
        p99Ms: result.latency.p99,
        rpsRatio: round(result.requests.average / bare.requests.average, 3),
        p50Ratio: round(result.latency.p50 / Math.max(bare.latency.p50, 1), 2),
        p99Ratio: round(result.latency.p99 / Math.max(bare.latency.p99, 1), 2),
        non2xx: result.non2xx,
        errors: result.errors,
        totalRequests: result.requests.total,
        loadAverageBefore: round(loadAverage, 2),
        ...(sql[scenario] === undefined ? {} : { sqlExecutionMs: sql[scenario] }),
      },
    }))
  } finally {
    await api.stop()
    await sim.close()
    await db.drop()
  }
}
