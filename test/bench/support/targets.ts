// The performance targets as rows of BENCHMARKS.md (figure vs target, met or missed), and the before/after
// table whose "before" column holds the figures BENCHMARKS.md published before this work (copied, not
// re-measured), so every regenerated file shows how far each figure moved.
import type { ScenarioResult } from '../fleet.ts'

type Scenario = ScenarioResult & { details: Record<string, unknown> }

export interface TargetRow {
  target: string
  scenario: string
  figure: number | null
  goal: string
  met: boolean | null
  loadAverage: number
}

interface Target {
  name: string
  applies: (s: Scenario) => boolean
  figure: (s: Scenario) => number | null
  goal: string
  met: (v: number) => boolean
}

const isFleet = (s: Scenario) => s.scenario.startsWith('fleet-check-')
const atSize = (s: Scenario) => isFleet(s) && (s.tenants === 10_000 || s.tenants === 100_000)
const num = (v: unknown): number | null => (typeof v === 'number' ? v : null)

const TARGETS: Target[] = [
  {
    name: 'Worker CPU per check (ms)',
    applies: atSize,
    figure: (s) => s.workerCpuMsPerCheck,
    goal: '≤ 1.5',
    met: (v) => v <= 1.5,
  },
  {
    name: 'Fleet efficiency (Graph L and token T both in the ideal)',
    applies: (s) => isFleet(s) && (s.concurrency === 8 || s.concurrency === 32),
    figure: (s) => s.efficiency,
    goal: '≥ 0.9',
    met: (v) => v >= 0.9,
  },
  {
    name: 'Capacity at C=200 (checks/s per worker core)',
    applies: (s) => isFleet(s) && s.concurrency === 200,
    figure: (s) => num(s.details.checksPerWorkerCoreSecond),
    goal: '≥ 600',
    met: (v) => v >= 600,
  },
  {
    name: 'Worker peak RSS (MB, production flags)',
    applies: atSize,
    figure: (s) => s.workerPeakRssMb,
    goal: '< 250',
    met: (v) => v < 250,
  },
  {
    name: 'SQL statements per check',
    applies: isFleet,
    figure: (s) => s.sqlStatementsPerCheck,
    goal: '≤ 0.2',
    met: (v) => v <= 0.2,
  },
  {
    name: 'Redis commands per check',
    applies: isFleet,
    figure: (s) => s.redisCommandsPerCheck,
    goal: '≤ 1',
    met: (v) => v <= 1,
  },
  {
    name: 'Staff API p99 ÷ bare route p99',
    applies: (s) =>
      s.scenario.startsWith('api-') && s.scenario !== 'api-bare-healthz' && s.tenants === 100_000,
    figure: (s) => num(s.details.p99Ratio),
    goal: '≤ 5',
    met: (v) => v <= 5,
  },
  {
    name: 'Onboarding wave efficiency',
    applies: (s) => s.scenario.startsWith('onboarding-wave-1000-'),
    figure: (s) => s.efficiency,
    goal: '≥ 0.8',
    met: (v) => v >= 0.8,
  },
]

export function targetRows(scenarios: readonly Scenario[]): TargetRow[] {
  return TARGETS.flatMap((t) =>
    scenarios.filter(t.applies).map((s) => {
      const figure = t.figure(s)
      return {
        target: t.name,
        scenario: s.scenario,
        figure,
        goal: t.goal,
        met: figure === null ? null : t.met(figure),
        loadAverage: s.loadAverage,
      }
    }),
  )
}

/**
 * Figures BENCHMARKS.md published before the production bundle, token latency and the lean token/queue path
 * (measured 2026-11-27 under tsx, no token latency; see the git history of BENCHMARKS.md). The staff API
 * runs did not record the load average (null).
 */
export const BEFORE: readonly { figure: string; scenario: string; before: number; load: number | null }[] = [
  { figure: 'Worker CPU per check (ms)', scenario: 'fleet-check-1000-c50', before: 10.95, load: 0.38 },
  { figure: 'Worker CPU per check (ms)', scenario: 'fleet-check-10000-c8', before: 7.33, load: 0.83 },
  { figure: 'Worker CPU per check (ms)', scenario: 'fleet-check-10000-c200', before: 6.73, load: 1.62 },
  { figure: 'Efficiency', scenario: 'fleet-check-1000-c50', before: 0.123, load: 0.38 },
  { figure: 'Efficiency', scenario: 'fleet-check-10000-c8', before: 0.626, load: 0.83 },
  { figure: 'Efficiency', scenario: 'fleet-check-10000-c200', before: 0.037, load: 1.62 },
  { figure: 'Worker peak RSS (MB)', scenario: 'fleet-check-1000-c50', before: 268, load: 0.38 },
  { figure: 'Worker peak RSS (MB)', scenario: 'fleet-check-10000-c8', before: 431, load: 0.83 },
  { figure: 'Worker peak RSS (MB)', scenario: 'fleet-check-10000-c200', before: 474, load: 1.62 },
  { figure: 'DB writes per check', scenario: 'fleet-check-10000-c200', before: 3, load: 1.62 },
  { figure: 'Onboarding wave efficiency', scenario: 'onboarding-wave-1000-c50', before: 0.106, load: 2.84 },
  { figure: 'Staff API p99 ÷ bare route p99', scenario: 'api-list-drifted', before: 43, load: null },
  {
    figure: 'Staff API p99 ÷ bare route p99',
    scenario: 'api-list-drifted-cursor',
    before: 42.67,
    load: null,
  },
  { figure: 'Staff API p99 ÷ bare route p99', scenario: 'api-list-search', before: 6, load: null },
  { figure: 'Staff API p99 ÷ bare route p99', scenario: 'api-summary', before: 185.33, load: null },
]

const AFTER: Record<string, (s: Scenario) => number | null> = {
  'Worker CPU per check (ms)': (s) => s.workerCpuMsPerCheck,
  Efficiency: (s) => s.efficiency,
  'Worker peak RSS (MB)': (s) => s.workerPeakRssMb,
  'DB writes per check': (s) => s.dbWritesPerCheck,
  'Onboarding wave efficiency': (s) => s.efficiency,
  'Staff API p99 ÷ bare route p99': (s) => num(s.details.p99Ratio),
}

export function beforeAfterRows(scenarios: readonly Scenario[]): {
  figure: string
  scenario: string
  before: number
  beforeLoad: number | null
  after: number | null
  afterLoad: number | null
}[] {
  return BEFORE.map((b) => {
    const s = scenarios.find((x) => x.scenario === b.scenario)
    return {
      figure: b.figure,
      scenario: b.scenario,
      before: b.before,
      beforeLoad: b.load,
      after: s ? (AFTER[b.figure]?.(s) ?? null) : null,
      afterLoad: s ? s.loadAverage : null,
    }
  })
}
