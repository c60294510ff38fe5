// The fleet report: the same figures as the evidence pack's summary, per customer and over all customers, for
// the SOC's own audit (docs/evidence.md, "Fleet report").
import {
  compliancePercent,
  driftEpisodes,
  meanTimeToDetectSeconds,
  meanTimeToRepairSeconds,
  type DriftEpisode,
  type MetricRun,
} from './drift-metrics.ts'

export interface FleetCustomerFacts {
  id: string
  name: string
  tenantId: string | null
  complianceState: string
  runs: MetricRun[]
  deviationsOpen: number
  trustVerdict: string | null
}

export interface FleetRow {
  id: string
  name: string
  tenantId: string | null
  complianceState: string
  checks: number
  compliancePercent: number | null
  drifts: number
  meanTimeToDetectSeconds: number | null
  meanTimeToRepairSeconds: number | null
  deviationsOpen: number
  trustVerdict: string | null
  trustEffective: boolean
}

export interface FleetReport {
  period: { from: string; to: string }
  generatedAt: string
  totals: {
    customers: number
    checks: number
    compliancePercent: number | null
    drifts: number
    meanTimeToDetectSeconds: number | null
    meanTimeToRepairSeconds: number | null
    deviationsOpen: number
    customersTrustNotEffective: number
  }
  rows: FleetRow[]
}

export function buildFleetReport(
  customers: readonly FleetCustomerFacts[],
  period: { from: string; to: string },
  generatedAt: Date,
): FleetReport {
  const allRuns: MetricRun[] = []
  const allEpisodes: DriftEpisode[] = []
  const rows = customers.map((c): FleetRow => {
    const episodes = driftEpisodes(c.runs)
    allRuns.push(...c.runs)
    allEpisodes.push(...episodes)
    return {
      id: c.id,
      name: c.name,
      tenantId: c.tenantId,
      complianceState: c.complianceState,
      checks: c.runs.filter((r) => r.kind === 'check').length,
      compliancePercent: compliancePercent(c.runs),
      drifts: episodes.length,
      meanTimeToDetectSeconds: meanTimeToDetectSeconds(episodes),
      meanTimeToRepairSeconds: meanTimeToRepairSeconds(episodes),
      deviationsOpen: c.deviationsOpen,
      trustVerdict: c.trustVerdict,
      // A customer without a verdict yet (never checked) is not counted as effective either.
      trustEffective: c.trustVerdict === 'effective',
    }
  })
  return {
    period,
    generatedAt: generatedAt.toISOString(),
    totals: {
      customers: rows.length,
      checks: rows.reduce((n, r) => n + r.checks, 0),
      compliancePercent: compliancePercent(allRuns),
      drifts: allEpisodes.length,
      meanTimeToDetectSeconds: meanTimeToDetectSeconds(allEpisodes),
      meanTimeToRepairSeconds: meanTimeToRepairSeconds(allEpisodes),
      deviationsOpen: rows.reduce((n, r) => n + r.deviationsOpen, 0),
      customersTrustNotEffective: rows.filter((r) => !r.trustEffective).length,
    },
    rows,
  }
}
