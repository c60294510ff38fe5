// The fleet report from a real database: per-customer and fleet figures, CSV (with the totals row) and a PDF
// that renders (pages kept as PNG) and reads right; the export is audited.
import { createTestDatabase, type TestDatabase } from '@crosstrust/testkit'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { exportFleetReport, type ServiceContext } from '../../src/index.ts'
import { inspectPdf, MONTH_START, seedContoso, STAFF, t } from './evidence-support.ts'

let db: TestDatabase
let ctx: ServiceContext
const period = { from: MONTH_START.toISOString(), to: t('30T00:00:00').toISOString() }

beforeAll(async () => {
  db = await createTestDatabase()
  ctx = { db: db.prisma, now: () => t('31T08:00:00'), enqueue: () => Promise.reject(new Error('no jobs')) }
  await seedContoso(db.prisma)
  const fabrikam = await db.prisma.customer.create({
    data: { name: '=Fabrikam Retail', onboardingState: 'onboarded', complianceState: 'drifted' },
  })
  await db.prisma.checkRun.create({
    data: {
      customerId: fabrikam.id,
      kind: 'check',
      trigger: 'schedule',
      outcome: 'compliant',
      startedAt: t('03T10:00:00'),
      finishedAt: t('03T10:00:00'),
    },
  })
  await db.prisma.checkRun.create({
    data: {
      customerId: fabrikam.id,
      kind: 'check',
      trigger: 'schedule',
      outcome: 'removed',
      startedAt: t('04T10:00:00'),
      finishedAt: t('04T10:00:00'),
    },
  })
  await db.prisma.customerTrust.create({
    data: {
      customerId: fabrikam.id,
      verdict: 'no_effect',
      reason: 'No Conditional Access policy reaches the guests.',
      evaluatedAt: t('04T10:00:00'),
      changedAt: t('04T10:00:00'),
    },
  })
  // Offboarded before the period: not in the report.
  await db.prisma.customer.create({
    data: {
      name: 'Gone Ltd',
      onboardingState: 'offboarded',
      offboardedAt: new Date(MONTH_START.getTime() - 86_400_000),
    },
  })
})
afterAll(async () => {
  await db.drop()
})

it('reports compliance, mean times to detect and repair, open deviations and trust, per customer and in total', async () => {
  const csv = await exportFleetReport(ctx, period, 'csv', 'Truesec Detect AB', STAFF)
  expect(csv.contentType).toBe('text/csv; charset=utf-8')
  const lines = csv.body.toString('utf8').split('\r\n')
  expect(lines[0]).toBe(
    '"customer_id","name","tenant_id","compliance_state","checks","compliance_percent","drifts","mean_time_to_detect_hours","mean_time_to_repair_hours","deviations_open","trust_verdict","trust_effective"',
  )
  // Sorted by name ('=' first). A name that a spreadsheet would run as a formula is quoted as text; the unrepaired drift has no repair time.
  expect(lines[1]).toMatch(
    /^"[0-9a-f-]{36}","'=Fabrikam Retail","","drifted","2","50","1","24","","0","no_effect","false"$/,
  )
  expect(lines[2]).toMatch(
    /^"[0-9a-f-]{36}","Contoso Manufacturing AB","5b0c6d8e-[^"]+","compliant","4","75","1","0.47","0.5","1","effective","true"$/,
  )
  expect(lines[3]).toBe('"fleet","2 customers","","","6","66.7","2","12.23","0.5","1","1 not effective",""')
  expect(lines).toHaveLength(5)

  const pdf = await exportFleetReport(ctx, period, 'pdf', 'Truesec Detect AB', STAFF)
  expect(pdf.fileName).toBe(`crosstrust-fleet-${period.from.slice(0, 10)}-${period.to.slice(0, 10)}.pdf`)
  const { text, pages } = inspectPdf(pdf.body, 'fleet-report')
  expect(pages).toHaveLength(1)
  for (const expected of [
    'Fleet report: Truesec Detect AB',
    'Customers with trust not effective',
    '66.7 %',
    'Contoso Manufacturing AB',
    '=Fabrikam Retail',
    'no effect',
    '12 h 14 min',
  ]) {
    expect(text).toContain(expected)
  }
  const audits = await db.prisma.auditEvent.findMany({ where: { action: 'report.fleet_exported' } })
  expect(audits.map((a) => (a.after as { format: string }).format)).toEqual(['csv', 'pdf'])
})
