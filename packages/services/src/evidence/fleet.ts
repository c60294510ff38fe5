// The fleet report over every customer for a period (docs/evidence.md, "Fleet report"): collected here,
// computed by @crosstrust/core, rendered as CSV or PDF.
import { buildFleetReport, type FleetCustomerFacts, type FleetReport, type MetricRun } from '@crosstrust/core'
import type { Db } from '@crosstrust/db'
import { recordAudit } from '../audit.ts'
import type { Actor, ServiceContext } from '../context.ts'
import { csvLine } from '../staff/csv.ts'
import { evidenceAttribution } from './attribution-of.ts'
import { renderFleetPdf } from './fleet-pdf.ts'
import { resolvePeriod, type Period } from './period.ts'

export async function collectFleetReport(db: Db, period: Period, now: Date): Promise<FleetReport> {
  // Every customer that existed during the period and was not offboarded before it started.
  const customers = await db.customer.findMany({
    where: {
      createdAt: { lte: period.to },
      OR: [{ offboardedAt: null }, { offboardedAt: { gte: period.from } }],
    },
    select: {
      id: true,
      name: true,
      tenantId: true,
      complianceState: true,
      trust: { select: { verdict: true } },
    },
    orderBy: [{ name: 'asc' }, { id: 'asc' }],
  })
  const runs = await db.checkRun.findMany({
    where: { startedAt: { gte: period.from, lte: period.to }, outcome: { not: null } },
    select: {
      id: true,
      customerId: true,
      kind: true,
      outcome: true,
      startedAt: true,
      finishedAt: true,
      attribution: {
        select: {
          subject: true,
          status: true,
          windowStart: true,
          windowEnd: true,
          attempts: true,
          entries: true,
          errorMessage: true,
        },
      },
    },
  })
  const deviations = await db.acceptedDeviation.groupBy({
    by: ['customerId'],
    where: {
      createdAt: { lte: period.to },
      expiresAt: { gt: period.to },
      OR: [{ revokedAt: null }, { revokedAt: { gt: period.to } }],
    },
    _count: { _all: true },
  })
  const openDeviations = new Map(deviations.map((d) => [d.customerId, d._count._all]))
  const runsByCustomer = new Map<string, MetricRun[]>()
  for (const r of runs) {
    const list = runsByCustomer.get(r.customerId) ?? []
    list.push({
      id: r.id,
      kind: r.kind,
      outcome: r.outcome,
      at: r.finishedAt ?? r.startedAt,
      attribution: evidenceAttribution(r.attribution),
    })
    runsByCustomer.set(r.customerId, list)
  }
  const facts: FleetCustomerFacts[] = customers.map((c) => ({
    id: c.id,
    name: c.name,
    tenantId: c.tenantId,
    complianceState: c.complianceState,
    runs: runsByCustomer.get(c.id) ?? [],
    deviationsOpen: openDeviations.get(c.id) ?? 0,
    trustVerdict: c.trust?.verdict ?? null,
  }))
  return buildFleetReport(facts, { from: period.from.toISOString(), to: period.to.toISOString() }, now)
}

const hours = (seconds: number | null) => (seconds === null ? null : Math.round((seconds / 3600) * 100) / 100)

const CSV_COLUMNS = [
  'customer_id',
  'name',
  'tenant_id',
  'compliance_state',
  'checks',
  'compliance_percent',
  'drifts',
  'mean_time_to_detect_hours',
  'mean_time_to_repair_hours',
  'deviations_open',
  'trust_verdict',
  'trust_effective',
] as const

/** RFC 4180 CSV: one row per customer, then a `fleet` row with the totals. */
export function fleetReportCsv(report: FleetReport): string {
  const t = report.totals
  return [
    csvLine(CSV_COLUMNS),
    ...report.rows.map((r) =>
      csvLine([
        r.id,
        r.name,
        r.tenantId,
        r.complianceState,
        r.checks,
        r.compliancePercent,
        r.drifts,
        hours(r.meanTimeToDetectSeconds),
        hours(r.meanTimeToRepairSeconds),
        r.deviationsOpen,
        r.trustVerdict,
        r.trustEffective,
      ]),
    ),
    csvLine([
      'fleet',
      `${String(t.customers)} customers`,
      null,
      null,
      t.checks,
      t.compliancePercent,
      t.drifts,
      hours(t.meanTimeToDetectSeconds),
      hours(t.meanTimeToRepairSeconds),
      t.deviationsOpen,
      `${String(t.customersTrustNotEffective)} not effective`,
      null,
    ]),
  ].join('')
}

export type FleetReportFormat = 'csv' | 'pdf'

export interface ExportedFleetReport {
  body: Buffer
  contentType: string
  fileName: string
}

export async function exportFleetReport(
  ctx: ServiceContext,
  query: unknown,
  format: FleetReportFormat,
  partnerName: string,
  actor: Actor,
): Promise<ExportedFleetReport> {
  const period = resolvePeriod(query, ctx.now())
  const report = await collectFleetReport(ctx.db, period, ctx.now())
  const body =
    format === 'csv' ? Buffer.from(fleetReportCsv(report), 'utf8') : await renderFleetPdf(report, partnerName)
  await ctx.db.$transaction((tx) =>
    recordAudit(tx, actor, {
      action: 'report.fleet_exported',
      entityType: 'fleet_report',
      after: { from: report.period.from, to: report.period.to, format, customers: report.totals.customers },
    }),
  )
  return {
    body,
    contentType: format === 'csv' ? 'text/csv; charset=utf-8' : 'application/pdf',
    fileName: `crosstrust-fleet-${report.period.from.slice(0, 10)}-${report.period.to.slice(0, 10)}.${format}`,
  }
}
