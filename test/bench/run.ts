// `pnpm bench` — the fleet, onboarding and staff API benchmarks, plus the simulator's own throughput.
// Writes BENCHMARKS.md (generated section) and, with --json, prints a JSON array of the scenarios as the
// LAST line of stdout.
//
//   pnpm bench                              1,000 and 10,000 tenants, 1,000-tenant onboarding wave, API at 100,000
//   pnpm bench --tenants 100000             one size (comma list allowed; 0 = no fleet re-check)
//   pnpm bench --json                       machine-readable last line
//   Options: --concurrency C  --latency L (ms, default 50)  --onboard N (0 = skip)  --api-customers N (0 = skip)
//            --api-seconds S  --no-sim-bench  --profile (worker/API CPU profiles in .bench/profiles)  --out FILE
//            --worker-node-option FLAG (repeatable; e.g. --max-old-space-size=256)
import { spawn, spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { simulatorTrustBundle } from '@crosstrust/ms-sim'
import { REPO_ROOT } from './support/processes.ts'
import { machineInfo, describeMachine } from './support/machine.ts'
import { writeBenchmarks, type RecordedScenario, type RecordedSnippet } from './report.ts'

interface Args {
  tenants: number[]
  concurrency: number | null
  latencyMs: number
  onboard: number
  apiCustomers: number
  apiSeconds: number
  simBench: boolean
  profile: boolean
  /** Extra node flags for the worker process (e.g. --max-old-space-size=256), recorded in the command. */
  workerNodeOptions: string[]
  json: boolean
  out: string
  redisUrl: string
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    tenants: [1_000, 10_000],
    concurrency: null,
    latencyMs: 50,
    onboard: 1_000,
    apiCustomers: 100_000,
    apiSeconds: 10,
    simBench: true,
    profile: false,
    workerNodeOptions: [],
    json: false,
    out: join(REPO_ROOT, 'BENCHMARKS.md'),
    // A DB index of its own: the benchmark never shares keys with concurrently running tests.
    redisUrl: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/14',
  }
  const value = (i: number): string => {
    const v = argv[i + 1]
    if (v === undefined) throw new Error(`${argv[i] ?? ''} needs a value`)
    return v
  }
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i]
    switch (a) {
      case '--':
        break
      case '--tenants':
        args.tenants = value(i).split(',').map(Number)
        i += 1
        break
      case '--concurrency':
        args.concurrency = Number(value(i))
        i += 1
        break
      case '--latency':
        args.latencyMs = Number(value(i))
        i += 1
        break
      case '--onboard':
        args.onboard = Number(value(i))
        i += 1
        break
      case '--api-customers':
        args.apiCustomers = Number(value(i))
        i += 1
        break
      case '--api-seconds':
        args.apiSeconds = Number(value(i))
        i += 1
        break
      case '--no-sim-bench':
        args.simBench = false
        break
      case '--profile':
        args.profile = true
        break
      case '--worker-node-option':
        args.workerNodeOptions.push(value(i))
        i += 1
        break
      case '--json':
        args.json = true
        break
      case '--out':
        args.out = value(i)
        i += 1
        break
      default:
        throw new Error(`unknown argument ${String(a)}`)
    }
  }
  if (args.tenants.some((n) => !Number.isInteger(n) || n < 0)) throw new Error('--tenants: integers ≥ 0')
  args.tenants = args.tenants.filter((n) => n > 0) // --tenants 0: no fleet re-check
  return args
}

/**
 * Worker concurrency per fleet size. C bounds how many checks wait on Graph at once, so the latency-bound
 * rate is C / (requests per check × L). It must stay below what the machine's CPUs can process (see the
 * analysis in BENCHMARKS.md); beyond that C only adds queueing.
 */
function concurrencyFor(n: number, args: Args): number {
  if (args.concurrency !== null) return args.concurrency
  return n >= 10_000 ? 200 : n >= 1_000 ? 50 : 20
}

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
  if (args.concurrency !== null) base.push(`--concurrency ${String(args.concurrency)}`)
  if (args.latencyMs !== 50) base.push(`--latency ${String(args.latencyMs)}`)
  for (const o of args.workerNodeOptions) base.push(`--worker-node-option ${o}`)
  return `${base.join(' ')} ${extra}`.trim()
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

  const profileDir = args.profile ? join(REPO_ROOT, '.bench/profiles') : undefined
  const maxTenants = Math.max(0, ...args.tenants, args.onboard)
  const sim = await startBenchSimulator({
    requestLogCap: Math.max(200_000, maxTenants * 4 + 10_000),
    redirectBase: 'http://127.0.0.1:3000',
  })
  try {
    for (const n of args.tenants) {
      const db = await createBenchDatabase()
      try {
        const result = await fleetCheck({
          sim,
          db,
          redisUrl: args.redisUrl,
          trustBundle,
          tenants: n,
          concurrency: concurrencyFor(n, args),
          latencyMs: args.latencyMs,
          workerNodeOptions: args.workerNodeOptions,
          ...(profileDir ? { profileDir } : {}),
          log,
        })
        scenarios.push({ ...result, command: commandFor(args, `--tenants ${String(n)}`), machine })
      } finally {
        await db.drop()
      }
    }
    if (args.onboard > 0) {
      const db = await createBenchDatabase()
      try {
        const result = await onboardingWave({
          sim,
          db,
          redisUrl: args.redisUrl,
          trustBundle,
          tenants: args.onboard,
          concurrency: concurrencyFor(args.onboard, args),
          latencyMs: args.latencyMs,
          workerNodeOptions: args.workerNodeOptions,
          ...(profileDir ? { profileDir } : {}),
          log,
        })
        scenarios.push({ ...result, command: commandFor(args, `--onboard ${String(args.onboard)}`), machine })
      } finally {
        await db.drop()
      }
    }
  } finally {
    await sim.close()
  }
  if (args.apiCustomers > 0) {
    const results = await apiBenchmark({
      customers: args.apiCustomers,
      seconds: args.apiSeconds,
      redisUrl: args.redisUrl,
      trustBundle,
      ...(profileDir ? { profileDir } : {}),
      log,
    })
    for (const r of results) {
      scenarios.push({
        ...r,
        command: `pnpm bench --api-customers ${String(args.apiCustomers)} --api-seconds ${String(args.apiSeconds)}`,
        machine,
      })
    }
  }
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
