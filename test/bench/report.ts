// BENCHMARKS.md is written by `pnpm bench` itself. The generated part sits between two markers and carries
// its data as JSON in an HTML comment, so a run that measures only some scenarios (`--tenants 100000`)
// replaces those and keeps the others. Prose outside the markers (analysis, profiles) is kept as is.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { describeMachine, type MachineInfo } from './support/machine.ts'
import { beforeAfterRows, targetRows } from './support/targets.ts'
import type { ScenarioResult } from './fleet.ts'

export interface RecordedScenario extends ScenarioResult {
  command: string
  machine: MachineInfo
}

export interface RecordedSnippet {
  title: string
  command: string
  machine: MachineInfo
  markdown: string
}

export interface BenchData {
  scenarios: RecordedScenario[]
  snippets: RecordedSnippet[]
}

const START = '<!-- bench:generated:start -->'
const END = '<!-- bench:generated:end -->'
const DATA = /<!-- bench:data (.*?) -->/s

const DEFAULT_PROSE = `# Benchmarks

Every number below is produced by \`pnpm bench\` (test/bench/run.ts), which rewrites the generated section;
each figure carries the exact command, the machine and the date it was measured on.
`

export function readBenchData(path: string): { data: BenchData; before: string; after: string } {
  if (!existsSync(path)) return { data: { scenarios: [], snippets: [] }, before: DEFAULT_PROSE, after: '' }
  const text = readFileSync(path, 'utf8')
  const start = text.indexOf(START)
  const end = text.indexOf(END)
  if (start < 0 || end < 0) return { data: { scenarios: [], snippets: [] }, before: text, after: '' }
  const match = DATA.exec(text.slice(start, end))
  const data = match?.[1] ? (JSON.parse(match[1].replaceAll('--\\u003e', '-->')) as BenchData) : undefined
  return {
    // Scenarios recorded before the harness ran the production bundle with token latency carry no load
    // average; they are not comparable, so a new run drops them (their figures live on in the "before" column).
    data: data
      ? {
          scenarios: data.scenarios.filter((s) => typeof s.loadAverage === 'number'),
          snippets: data.snippets,
        }
      : { scenarios: [], snippets: [] },
    before: text.slice(0, start),
    after: text.slice(end + END.length),
  }
}

export function mergeBenchData(
  old: BenchData,
  scenarios: RecordedScenario[],
  snippets: RecordedSnippet[],
): BenchData {
  const names = new Set(scenarios.map((s) => s.scenario))
  const titles = new Set(snippets.map((s) => s.title))
  return {
    scenarios: [...old.scenarios.filter((s) => !names.has(s.scenario)), ...scenarios].sort((a, b) =>
      a.scenario.localeCompare(b.scenario, 'en', { numeric: true }),
    ),
    snippets: [...old.snippets.filter((s) => !titles.has(s.title)), ...snippets],
  }
}

const fmt = (v: unknown): string =>
  v === null || v === undefined ? '—' : typeof v === 'number' ? v.toLocaleString('en-US') : JSON.stringify(v)

function fleetTable(rows: RecordedScenario[]): string {
  const head =
    '| Scenario | Tenants | C asked | C achieved (mean / max) | L ms | T ms | Graph HTTP req/job (reads) | Wall s | Ideal s | Efficiency | Jobs/s | Token req/tenant | Worker CPU ms/job | SQL stmts/job | Redis cmds/job | DB writes/job | Worker peak RSS MB | Simulator ELU | Load (1 min) |\n' +
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|'
  const lines = rows.map((r) => {
    const d = r.details
    return `| ${r.scenario} | ${fmt(r.tenants)} | ${fmt(r.concurrency)} | ${fmt(r.graphConcurrencyAchieved)} / ${fmt(d.graphConcurrencyMax)} | ${fmt(d.latencyMs)} | ${fmt(d.tokenLatencyMs)} | ${fmt(d.graphRequestsPerJob)} (${fmt(d.graphReadsPerJob)}) | ${fmt(r.wallSeconds)} | ${fmt(r.idealSeconds)} | **${fmt(r.efficiency)}** | ${fmt(d.throughputPerSecond)} | ${fmt(r.tokenRequestsPerTenant)} | ${fmt(r.workerCpuMsPerCheck)} | ${fmt(r.sqlStatementsPerCheck)} | ${fmt(r.redisCommandsPerCheck)} | ${fmt(r.dbWritesPerCheck)} | ${fmt(r.workerPeakRssMb)} | ${fmt(d.simulatorEventLoopUtilisation)} | ${fmt(r.loadAverage)} |`
  })
  return [head, ...lines].join('\n')
}

function apiTable(rows: RecordedScenario[]): string {
  const head =
    '| Scenario | Customers | Route | req/s | p50 ms | p99 ms | req/s ÷ bare | p50 ÷ bare | p99 ÷ bare | non-2xx | Load (1 min) |\n' +
    '|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|'
  const lines = rows.map((r) => {
    const d = r.details
    return `| ${r.scenario} | ${fmt(r.tenants)} | \`${String(d.path)}\` | ${fmt(d.requestsPerSecond)} | ${fmt(d.p50Ms)} | ${fmt(d.p99Ms)} | ${fmt(d.rpsRatio)} | ${fmt(d.p50Ratio)} | ${fmt(d.p99Ratio)} | ${fmt(d.non2xx)} | ${fmt(r.loadAverage)} |`
  })
  return [head, ...lines].join('\n')
}

function targetsTable(rows: RecordedScenario[]): string {
  const head = '| Target | Scenario | Figure | Target | Met | Load (1 min) |\n|---|---|---:|---:|---|---:|'
  const lines = targetRows(rows).map(
    (t) =>
      `| ${t.target} | ${t.scenario} | ${fmt(t.figure)} | ${t.goal} | ${t.met === null ? '—' : t.met ? '**met**' : '**missed**'} | ${fmt(t.loadAverage)} |`,
  )
  return [head, ...lines].join('\n')
}

function beforeAfterTable(rows: RecordedScenario[]): string {
  const head =
    '| Figure | Scenario | Before | Load before | After | Load after |\n|---|---|---:|---:|---:|---:|'
  const lines = beforeAfterRows(rows).map(
    (b) =>
      `| ${b.figure} | ${b.scenario} | ${fmt(b.before)} | ${fmt(b.beforeLoad)} | ${fmt(b.after)} | ${fmt(b.afterLoad)} |`,
  )
  return [head, ...lines].join('\n')
}

function provenance(rows: RecordedScenario[]): string {
  return rows.map((r) => `- \`${r.scenario}\`: \`${r.command}\` — ${describeMachine(r.machine)}`).join('\n')
}

function details(rows: RecordedScenario[]): string {
  return rows
    .map(
      (r) =>
        `<details><summary>${r.scenario}: all measured figures</summary>\n\n\`\`\`json\n${JSON.stringify(r.details, null, 2)}\n\`\`\`\n\n</details>`,
    )
    .join('\n\n')
}

export function renderGenerated(data: BenchData): string {
  const fleet = data.scenarios.filter((s) => !s.scenario.startsWith('api-'))
  const api = data.scenarios.filter((s) => s.scenario.startsWith('api-'))
  const parts: string[] = [START, '', '_Generated by `pnpm bench`; do not edit between the markers._', '']
  if (data.scenarios.length > 0) {
    parts.push(
      '### Targets',
      '',
      targetsTable(data.scenarios),
      '',
      '### Before and after',
      '',
      '"Before" is what this file published on 2026-11-27 (worker under tsx, no token latency); "after" is the',
      'latest run of the same scenario (— when it has not been run yet).',
      '',
      beforeAfterTable(data.scenarios),
      '',
    )
  }
  if (fleet.length > 0) {
    parts.push(
      '### Fleet: re-check and onboarding wave',
      '',
      fleetTable(fleet),
      '',
      provenance(fleet),
      '',
      details(fleet),
      '',
    )
  }
  if (api.length > 0) {
    parts.push('### Staff API', '', apiTable(api), '', provenance(api), '', details(api), '')
  }
  for (const s of data.snippets) {
    parts.push(
      `### ${s.title}`,
      '',
      s.markdown.trim(),
      '',
      `Command: \`${s.command}\` — ${describeMachine(s.machine)}`,
      '',
    )
  }
  // `-->` cannot appear inside the comment; JSON escapes it.
  parts.push(`<!-- bench:data ${JSON.stringify(data).replaceAll('-->', '--\\u003e')} -->`, END)
  return parts.join('\n')
}

export function writeBenchmarks(
  path: string,
  scenarios: RecordedScenario[],
  snippets: RecordedSnippet[],
): void {
  const { data, before, after } = readBenchData(path)
  const merged = mergeBenchData(data, scenarios, snippets)
  writeFileSync(path, `${before}${renderGenerated(merged)}${after.length > 0 ? after : '\n'}`)
}
