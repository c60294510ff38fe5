// The customer status filter (SQL) agrees with core's customerStatus on every combination of the states it
// reads: each customer of a grid shows one status in the list, and the filter for that status finds it and
// only the customers with that status.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  CHECK_FAILURES_FOR_ERROR,
  CUSTOMER_STATUSES,
  ONBOARDING_STATES,
  type ComplianceState,
} from '@crosstrust/core'
import { createTestDatabase, type TestDatabase } from '@crosstrust/testkit'
import { customerDetail, exportCustomersCsv, listCustomers } from '../../src/index.ts'

const COMPLIANCE: ComplianceState[] = [
  'pending',
  'compliant',
  'drifted',
  'unknown',
  'access_lost',
  'removed_by_customer',
  'offboarded',
]

let db: TestDatabase

beforeAll(async () => {
  db = await createTestDatabase()
  let i = 0
  for (const onboardingState of ONBOARDING_STATES) {
    for (const complianceState of COMPLIANCE) {
      for (const failures of [0, CHECK_FAILURES_FOR_ERROR]) {
        for (const missing of [false, true]) {
          for (const offboarded of [false, true]) {
            i += 1
            const customer = await db.prisma.customer.create({
              data: {
                name: `Grid ${String(i).padStart(4, '0')}`,
                onboardingState,
                complianceState,
                consecutiveFailures: failures,
                offboardedAt: offboarded ? new Date('2026-11-01T00:00:00Z') : null,
                // Who removed it, spread over the grid (a customer's removal shows Removed by customer).
                offboardedBy: i % 3 === 0 ? 'customer' : i % 3 === 1 ? 'partner' : null,
              },
            })
            if (missing) {
              await db.prisma.customerTrust.create({
                data: {
                  customerId: customer.id,
                  verdict: 'unknown',
                  reason: 're-consent needed',
                  missingPermissions: ['Policy.Read.All'],
                  evaluatedAt: new Date(),
                  changedAt: new Date(),
                },
              })
            }
          }
        }
      }
    }
  }
}, 120_000)

afterAll(async () => {
  await db.drop()
})

async function allRows(filters: Parameters<typeof listCustomers>[1] = {}) {
  const rows = []
  let cursor: string | undefined
  do {
    const page = await listCustomers(db.prisma, { ...filters, limit: 200, ...(cursor ? { cursor } : {}) })
    rows.push(...page.items)
    cursor = page.nextCursor ?? undefined
  } while (cursor !== undefined)
  return rows
}

describe('customer status on the staff list', () => {
  it('the filter for each status finds exactly the customers showing it', async () => {
    const rows = await allRows()
    expect(rows).toHaveLength(ONBOARDING_STATES.length * COMPLIANCE.length * 8)
    for (const code of CUSTOMER_STATUSES) {
      const expected = rows.filter((r) => r.status.code === code).map((r) => r.id)
      expect(expected.length, code).toBeGreaterThan(0)
      const filtered = await allRows({ status: code })
      expect(filtered.map((r) => r.id).sort(), code).toEqual(expected.sort())
    }
  })

  it('refuses an unknown status', async () => {
    await expect(listCustomers(db.prisma, { status: 'happy' as 'managed' })).rejects.toThrow(/Invalid/)
  })

  it('shows the status on the customer page and in the CSV export', async () => {
    const [row] = (await listCustomers(db.prisma, { status: 'access_needed', limit: 1 })).items
    if (!row) throw new Error('no access_needed customer')
    const detail = await customerDetail(db.prisma, row.id)
    expect(detail.status).toEqual(row.status)
    let csv = ''
    for await (const line of exportCustomersCsv(db.prisma, { status: 'access_needed' })) csv += line
    const lines = csv.trim().split('\r\n')
    expect(lines[0]).toContain('"trust_reason","status","status_fix"')
    expect(lines.slice(1).every((line) => line.includes('"Access needed"'))).toBe(true)
  })
})
