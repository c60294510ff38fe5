// Drift episodes and the figures auditors ask for: how often the tenant was found as agreed, how long a change
// went unnoticed (time to detect) and how long it stayed (time to repair). docs/evidence.md defines them.
import type { AttributionEntry, EvidenceAttribution, RunOutcome } from './types.ts'

/** What the metrics need of a run. */
export interface MetricRun {
  id: string
  kind: string
  outcome: RunOutcome | null
  /** When the run finished (or started, while it has no finish time). */
  at: Date
  attribution: EvidenceAttribution | null
}

export interface DriftEpisode {
  detectedRunId: string
  detectedAt: Date
  /** When the change happened: the directory audit log's earliest foreign activity, else an upper bound. */
  changedAt: Date | null
  changeTimeKnown: boolean
  repairedAt: Date | null
}

/** Outcomes that say something about the tenant's settings (skipped, unknown, failed say nothing). */
const DETERMINATE: ReadonlySet<RunOutcome> = new Set([
  'compliant',
  'drifted',
  'remediated',
  'removed',
  'access_lost',
])
const DRIFT: ReadonlySet<RunOutcome> = new Set(['drifted', 'removed', 'remediated'])

export function isDriftOutcome(outcome: RunOutcome | null): boolean {
  return outcome !== null && DRIFT.has(outcome)
}

/** Share of the checks with a determinate outcome that found the tenant as agreed, in percent (one decimal). */
export function compliancePercent(runs: readonly MetricRun[]): number | null {
  const determinate = runs.filter(
    (r) => r.kind === 'check' && r.outcome !== null && DETERMINATE.has(r.outcome),
  )
  if (determinate.length === 0) return null
  const compliant = determinate.filter((r) => r.outcome === 'compliant').length
  return Math.round((compliant / determinate.length) * 1000) / 10
}

function earliestForeignChange(entries: readonly AttributionEntry[]): Date | null {
  const times = entries
    .filter((e) => !e.ours)
    .map((e) => new Date(e.activityDateTime).getTime())
    .filter((t) => Number.isFinite(t))
  return times.length === 0 ? null : new Date(Math.min(...times))
}

/**
 * Drift episodes in run order: one opens at the first check that finds drift (or a removed entry) and closes
 * at the first run that finds the tenant as agreed again or repairs it; a `remediated` check opens and closes
 * one at once. The change time comes from the attribution when it found a change not made by us; otherwise
 * the last run that found the tenant as agreed bounds it (the change happened after that).
 */
export function driftEpisodes(runs: readonly MetricRun[]): DriftEpisode[] {
  const ordered = [...runs].sort((a, b) => a.at.getTime() - b.at.getTime())
  const episodes: DriftEpisode[] = []
  let open: DriftEpisode | null = null
  let lastAgreedAt: Date | null = null
  for (const run of ordered) {
    const outcome = run.outcome
    if (outcome === null) continue
    if (run.kind === 'check' && DRIFT.has(outcome) && open === null) {
      const known = earliestForeignChange(run.attribution?.entries ?? [])
      open = {
        detectedRunId: run.id,
        detectedAt: run.at,
        changedAt: known ?? lastAgreedAt,
        changeTimeKnown: known !== null,
        repairedAt: null,
      }
      episodes.push(open)
    }
    if (outcome === 'compliant' || outcome === 'remediated') {
      if (open !== null) open.repairedAt = run.at
      open = null
      lastAgreedAt = run.at
    }
  }
  return episodes
}

const mean = (values: readonly number[]): number | null =>
  values.length === 0 ? null : Math.round(values.reduce((a, b) => a + b, 0) / values.length)

export function meanTimeToDetectSeconds(episodes: readonly DriftEpisode[]): number | null {
  return mean(
    episodes.flatMap((e) =>
      e.changedAt === null ? [] : [Math.max(0, (e.detectedAt.getTime() - e.changedAt.getTime()) / 1000)],
    ),
  )
}

export function meanTimeToRepairSeconds(episodes: readonly DriftEpisode[]): number | null {
  return mean(
    episodes.flatMap((e) =>
      e.repairedAt === null ? [] : [Math.max(0, (e.repairedAt.getTime() - e.detectedAt.getTime()) / 1000)],
    ),
  )
}

/** "3 h 20 min", "45 s", "2 d 4 h": durations for people. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null) return '—'
  if (seconds < 60) return `${String(Math.round(seconds))} s`
  const minutes = Math.round(seconds / 60)
  if (minutes < 60) return `${String(minutes)} min`
  const hours = Math.floor(minutes / 60)
  if (hours < 48) return `${String(hours)} h ${String(minutes % 60)} min`
  return `${String(Math.floor(hours / 24))} d ${String(hours % 24)} h`
}
