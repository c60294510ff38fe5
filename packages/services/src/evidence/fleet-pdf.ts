import { formatDuration, type FleetReport } from '@crosstrust/core'
import { createPdf, facts, finish, paragraph, section, table, title } from './pdf-layout.ts'

const minute = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`
const percent = (value: number | null) => (value === null ? '-' : `${String(value)} %`)

export async function renderFleetPdf(report: FleetReport, partnerName: string): Promise<Buffer> {
  const period = `${report.period.from.slice(0, 10)} to ${report.period.to.slice(0, 10)}`
  const { doc, done } = createPdf({ title: `Fleet report: ${partnerName}`, subject: period })
  title(doc, `Fleet report: ${partnerName}`, [
    `Period ${minute(report.period.from)} to ${minute(report.period.to)}`,
    `Generated ${minute(report.generatedAt)}`,
  ])
  const t = report.totals
  section(doc, 'Summary')
  facts(doc, [
    ['Customers', String(t.customers)],
    ['Checks', String(t.checks)],
    ['Compliance', percent(t.compliancePercent)],
    ['Drifts', String(t.drifts)],
    ['Mean time to detect', formatDuration(t.meanTimeToDetectSeconds)],
    ['Mean time to repair', formatDuration(t.meanTimeToRepairSeconds)],
    ['Deviations open', String(t.deviationsOpen)],
    ['Customers with trust not effective', String(t.customersTrustNotEffective)],
  ])
  section(doc, 'Customers')
  table(
    doc,
    [
      { header: 'Customer', weight: 4 },
      { header: 'Checks', weight: 1.3 },
      { header: 'Compliance', weight: 1.8 },
      { header: 'Drifts', weight: 1.2 },
      { header: 'MTTD', weight: 1.8 },
      { header: 'MTTR', weight: 1.8 },
      { header: 'Deviations', weight: 1.6 },
      { header: 'Trust', weight: 1.8 },
    ],
    report.rows.map((r) => [
      r.name,
      String(r.checks),
      percent(r.compliancePercent),
      String(r.drifts),
      formatDuration(r.meanTimeToDetectSeconds),
      formatDuration(r.meanTimeToRepairSeconds),
      String(r.deviationsOpen),
      r.trustVerdict?.replace('_', ' ') ?? 'not evaluated',
    ]),
    'No customer in the period.',
  )
  section(doc, 'How the figures are made')
  paragraph(
    doc,
    'Compliance: of the checks that could read the tenant, the share that found it as agreed. A drift runs from the ' +
      'first check that finds it to the run that finds the tenant as agreed again or repairs it. MTTD (mean time to ' +
      'detect): from the change, as the directory audit log dates it, or else from the last check that found the ' +
      'tenant as agreed, to the check that found it. MTTR (mean time to repair): from detection to the repair; drift ' +
      'still open is left out. Deviations: accepted, not revoked and not expired at the end of the period. Trust not ' +
      'effective: any verdict but effective, including never evaluated.',
  )
  finish(doc, `Crosstrust fleet report - ${partnerName} - ${period}`)
  return done
}
