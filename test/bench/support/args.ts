// Command-line arguments of `pnpm bench` (documented at the top of run.ts and in BENCHMARKS.md).
import { join } from 'node:path'
import { REPO_ROOT } from './processes.ts'

export interface Args {
  tenants: number[]
  concurrency: number[] | null
  latencyMs: number
  tokenLatencyMs: number
  onboard: number
  apiCustomers: number
  apiSeconds: number
  simBench: boolean
  profile: boolean
  /** Extra node flags for the worker process (e.g. --max-old-space-size=256), recorded in the command. */
  workerNodeOptions: string[]
  json: boolean
  out: string
  /** A shared Redis (BENCH_REDIS_URL); unset = the benchmark starts its own. */
  redisUrl: string | undefined
}

/** The flags that take one number, and the field each sets. */
const NUMBER_FLAGS = {
  '--latency': 'latencyMs',
  '--token-latency': 'tokenLatencyMs',
  '--onboard': 'onboard',
  '--api-customers': 'apiCustomers',
  '--api-seconds': 'apiSeconds',
} as const satisfies Record<string, keyof Args>
type NumberFlag = keyof typeof NUMBER_FLAGS

/** A flag's numeric value; anything that is not a finite number is refused rather than run as NaN. */
function numberFlag(flag: string, raw: string): number {
  const n = Number(raw)
  if (raw.trim() === '' || !Number.isFinite(n))
    throw new Error(`${flag}: a number, not ${JSON.stringify(raw)}`)
  return n
}

/** A comma-separated list of numbers (`--tenants 1000,10000`). */
function numberList(flag: string, raw: string): number[] {
  return raw.split(',').map((part) => numberFlag(flag, part))
}

export function parseArgs(argv: string[]): Args {
  const args: Args = {
    tenants: [10_000, 100_000],
    concurrency: null,
    latencyMs: 50,
    tokenLatencyMs: 30,
    onboard: 1_000,
    apiCustomers: 100_000,
    apiSeconds: 10,
    simBench: true,
    profile: false,
    workerNodeOptions: [],
    json: false,
    out: join(REPO_ROOT, 'BENCHMARKS.md'),
    redisUrl: process.env.BENCH_REDIS_URL,
  }
  const value = (i: number): string => {
    const v = argv[i + 1]
    if (v === undefined) throw new Error(`${argv[i] ?? ''} needs a value`)
    return v
  }
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i]
    const numberField =
      a !== undefined && Object.hasOwn(NUMBER_FLAGS, a) ? NUMBER_FLAGS[a as NumberFlag] : null
    if (a !== undefined && numberField !== null) {
      args[numberField] = numberFlag(a, value(i))
      i += 1
      continue
    }
    switch (a) {
      case '--':
        break
      case '--tenants':
        args.tenants = numberList(a, value(i))
        i += 1
        break
      case '--concurrency':
        args.concurrency = numberList(a, value(i))
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
  if (args.concurrency?.some((c) => !Number.isInteger(c) || c < 1))
    throw new Error('--concurrency: integers ≥ 1')
  args.tenants = args.tenants.filter((n) => n > 0) // --tenants 0: no fleet re-check
  return args
}
