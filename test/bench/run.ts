// `pnpm bench` — the fleet, onboarding and staff API benchmarks, plus the simulator's own throughput.
// The worker and the API run from the production bundle with the Dockerfile's Node flags. Writes
// BENCHMARKS.md (generated section) and, with --json, prints a JSON array of the scenarios as the LAST line
// of stdout.
//
//   pnpm bench                    fleet re-check at 10,000 and 100,000 tenants, each at C = 8, 32 and 200;
//                                 1,000-tenant onboarding wave (C=50); staff API at 100,000 customers
//   pnpm bench --tenants 1000     other sizes (comma list; 0 = no fleet re-check)
//   pnpm bench --json             machine-readable last line
//   Options: --concurrency C (comma list)  --latency L (Graph ms, default 50)  --token-latency T (token
//            endpoint ms, default 30)  --onboard N (0 = skip)  --api-customers N (0 = skip)  --api-seconds S
//            --no-sim-bench  --profile (worker/API CPU profiles in .bench/profiles, summarised into
//            BENCHMARKS.md)  --out FILE  --worker-node-option FLAG (repeatable, beyond the Dockerfile's)
import { spawn, spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { simulatorTrustBundle } from '@crosstrust/ms-sim'
import { REPO_ROOT } from './support/processes.ts'
import { machineInfo, describeMachine } from './support/machine.ts'
import { parseArgs, type Args } from './support/args.ts'
import { writeBenchmarks, type RecordedScenario, type RecordedSnippet } from './report.ts'
import { mainProfileIn, profileMarkdown, summariseProfile } from './support/profile-summary.ts'

/**
 * Worker concurrencies per fleet run. C bounds how many checks wait on Microsoft at once, so the
 * latency-bound rate is C / (requests per check × latency). C = 8 and 32 are the latency-bound regime the
 * efficiency target is set for; C = 200 measures capacity (checks/s per worker core).
 */
const FLEET_CONCURRENCIES = [8, 32, 200]
const ONBOARDING_CONCURRENCY = 50

// Node reads NODE_EXTRA_CA_CERTS once at start: re-run ourselves trusting the simulator's CA (the staff
// token and readiness probes go over HTTPS; the product processes get the same bundle).
async function ensureTrust(): Promise<string | null> {
  const bundle = await simulatorTrustBundle()
  if (process.env.NODE_EXTRA_CA_CERTS === bundle) return bundle
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, NODE_EXTRA_CA_CERTS: bundle },
  })
  const code = await new Promise<number>((resolve) =>
    child.on('exit', (c) => {
      resolve(c ?? 1)
    }),
  )
  process.exit(code)
  return null
}

function commandFor(args: Args, extra: string): string {
  const base = ['pnpm bench']
  if (args.latencyMs !== 50) base.push(`--latency ${String(args.latencyMs)}`)
  if (args.tokenLatencyMs !== 30) base.push(`--token-latency ${String(args.tokenLatencyMs)}`)
  for (const o of args.workerNodeOptions) base.push(`--worker-node-option ${o}`)
  return `${base.join(' ')} ${extra}`.trim()
}

/** The CPU profile of a finished run, summarised for BENCHMARKS.md (the raw file stays in .bench/profiles). */
function profileSnippet(
  process_: string,
  scenario: string,
  dir: string,
  command: string,
): RecordedSnippet | null {
  const file = mainProfileIn(dir)
  if (file === null) return null
  return {
    title: `CPU profile: ${process_}, ${scenario}`,
    command: `${command} --profile`,
    machine: machineInfo(),
    markdown: profileMarkdown(`${process_} during ${scenario}`, summariseProfile(file, 15)),
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2))
  const trustBundle = await ensureTrust()
  if (trustBundle === null) return
  const log = (line: string) => {
    process.stderr.write(`[bench] ${line}\n`)
  }
  const machine = machineInfo()
  log(describeMachine(machine))
  const scenarios: RecordedScenario[] = []
  const snippets: RecordedSnippet[] = []
  const { fleetCheck, onboardingWave } = await import('./fleet.ts')
  const { createBenchDatabase, startBenchSimulator } = await import('./context.ts')
  const { apiBenchmark } = await import('./api.ts')
  const { prepareProductionApp } = await import('./support/production-bundle.ts')
  const { startBenchRedis } = await import('./support/server-counters.ts')

  const profileDir = args.profile ? join(REPO_ROOT, '.bench/profiles') : undefined
  const worker = prepareProductionApp('worker', log)
  log(`worker: node ${worker.nodeFlags.join(' ')} ${worker.entry}`)
  const redis = await startBenchRedis(args.redisUrl)
  const maxTenants = Math.max(0, ...args.tenants, args.onboard)
  const sim = await startBenchSimulator({
    // A check logs its token request, its batch envelope and each read inside (up to five): room for eight.
    requestLogCap: Math.max(200_000, maxTenants * 8 + 10_000),
    redirectBase: 'http://127.0.0.1:3000',
  })
  const common = {
    sim,
    redis,
    trustBundle,
    worker,
    latencyMs: args.latencyMs,
    tokenLatencyMs: args.tokenLatencyMs,
    workerNodeOptions: args.workerNodeOptions,
    ...(profileDir ? { profileDir } : {}),
    log,
  }
  const addProfile = (r: { scenario: string; details: Record<string, unknown> }, command: string) => {
    const dir = r.details.profileDir
    const snippet = typeof dir === 'string' ? profileSnippet('worker', r.scenario, dir, command) : null
    if (snippet) snippets.push(snippet)
  }
  try {
    for (const n of args.tenants) {
      for (const concurrency of args.concurrency ?? FLEET_CONCURRENCIES) {
        const db = await createBenchDatabase()
        try {
          const result = await fleetCheck({ ...common, db, tenants: n, concurrency })
          const command = commandFor(args, `--tenants ${String(n)} --concurrency ${String(concurrency)}`)
          scenarios.push({ ...result, command, machine })
          addProfile(result, command)
        } finally {
          await db.drop()
        }
      }
    }
    if (args.onboard > 0) {
      const db = await createBenchDatabase()
      try {
        const concurrency =
          args.concurrency?.length === 1
            ? (args.concurrency[0] ?? ONBOARDING_CONCURRENCY)
            : ONBOARDING_CONCURRENCY
        const result = await onboardingWave({ ...common, db, tenants: args.onboard, concurrency })
        const command = commandFor(
          args,
          `--tenants 0 --onboard ${String(args.onboard)} --concurrency ${String(concurrency)}`,
        )
        scenarios.push({ ...result, command, machine })
        addProfile(result, command)
      } finally {
        await db.drop()
      }
    }
  } finally {
    await sim.close()
  }
  if (args.apiCustomers > 0) {
    const api = prepareProductionApp('api', log)
    const command = `pnpm bench --tenants 0 --onboard 0 --api-customers ${String(args.apiCustomers)} --api-seconds ${String(args.apiSeconds)}`
    const results = await apiBenchmark({
      customers: args.apiCustomers,
      seconds: args.apiSeconds,
      redisUrl: redis.url,
      trustBundle,
      api,
      ...(profileDir ? { profileDir } : {}),
      log,
    })
    for (const r of results) scenarios.push({ ...r, command, machine })
    const snippet = profileDir
      ? profileSnippet('API', 'the staff API routes', join(profileDir, 'api'), command)
      : null
    if (snippet) snippets.push(snippet)
  }
  await redis.close()
  if (args.simBench) {
    log('simulator throughput: pnpm --filter @crosstrust/ms-sim run bench')
    const out = spawnSync('pnpm', ['--filter', '@crosstrust/ms-sim', 'run', 'bench'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    })
    const start = out.stdout.indexOf('### Microsoft simulator throughput')
    if (out.status === 0 && start >= 0) {
      const markdown = out.stdout
        .slice(start)
        .replace('### Microsoft simulator throughput', '')
        .replace(/Produced by `[^`]*`\.?/, '')
      snippets.push({
        title: 'Microsoft simulator throughput',
        command: 'pnpm --filter @crosstrust/ms-sim run bench',
        machine: machineInfo(),
        markdown,
      })
    } else {
      log(`simulator bench failed (${String(out.status)}): ${out.stderr.slice(-2000)}`)
    }
  }

  writeBenchmarks(args.out, scenarios, snippets)
  log(`wrote ${args.out}`)
  const contract = scenarios.map((s) => ({
    scenario: s.scenario,
    tenants: s.tenants,
    wallSeconds: s.wallSeconds,
    idealSeconds: s.idealSeconds,
    efficiency: s.efficiency,
    tokenRequestsPerTenant: s.tokenRequestsPerTenant,
    dbWritesPerCheck: s.dbWritesPerCheck,
    workerPeakRssMb: s.workerPeakRssMb,
    concurrency: s.concurrency,
    graphConcurrencyAchieved: s.graphConcurrencyAchieved,
    workerCpuMsPerCheck: s.workerCpuMsPerCheck,
    sqlStatementsPerCheck: s.sqlStatementsPerCheck,
    redisCommandsPerCheck: s.redisCommandsPerCheck,
    loadAverage: s.loadAverage,
    ...(s.scenario.startsWith('api-') ? { api: s.details } : {}),
  }))
  if (!args.json) {
    for (const s of contract) process.stdout.write(`${JSON.stringify(s)}\n`)
  } else {
    process.stdout.write(`${JSON.stringify(contract)}\n`)
  }
  // Prisma/ioredis handles of the bench itself must not keep the process alive.
  process.exit(0)
}

main().catch((err: unknown) => {
  process.stderr.write(`[bench] failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
  process.exit(1)
})
