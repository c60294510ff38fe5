// listCustomers against a real database with 20,000 customers: keyset pagination visits every row exactly
// once in every sort, filters and search are right, bad input is refused, and each page runs on an index.
import { describe, expect, it } from 'vitest'
import { ValidationError } from '@crosstrust/core'
import { listCustomers } from '../../src/index.ts'
import { N, db, walk, COLUMN, expectedOrder, plan, useCustomerDatabase } from './queries-support.ts'

useCustomerDatabase()

describe('listCustomers', () => {
  it('returns the verification view, current step and compliance per row', async () => {
    const page = await listCustomers(db.prisma, { sort: 'createdAt', order: 'asc', limit: 10 })
    expect(page.items).toHaveLength(10)
    const onboarded = page.items.find((r) => r.onboardingState === 'onboarded')
    expect(onboarded?.verification).toEqual({
      inboundAccess: 'Configured',
      outboundAccess: 'Inherited from default',
      tenantRestrictions: 'Inherited from default',
    })
    expect(onboarded?.currentStep).toBeNull()
    const waiting = page.items.find((r) => r.onboardingState === 'link_issued')
    expect(waiting?.verification).toBeNull()
    expect(waiting?.currentStep).toMatchObject({ step: 'consent_received', status: 'pending' })
    expect(JSON.stringify(page.items)).not.toContain('lastObservedSnapshot')
  })

  for (const sort of ['name', 'createdAt', 'lastCheckAt', 'complianceChangedAt'] as const) {
    for (const order of ['asc', 'desc'] as const) {
      it(`visits every matching row exactly once in ${sort} ${order} order (keyset, ties and NULLs)`, async () => {
        const ids = await walk({ mode: 'alert', sort, order, limit: 173 })
        expect(ids).toEqual(await expectedOrder(sort, order, `mode = 'alert'`))
        expect(ids.length).toBeGreaterThan(6_000)
      })
    }
  }

  it('filters by onboarding state, compliance state and default mode', async () => {
    const drifted = await walk({ complianceState: 'drifted', limit: 200 })
    expect(drifted).toEqual(await expectedOrder('createdAt', 'desc', `compliance_state = 'drifted'`))
    const failedDefault = await walk({ onboardingState: 'failed', mode: 'default', limit: 200 })
    expect(failedDefault.sort()).toEqual(
      (await expectedOrder('createdAt', 'desc', `onboarding_state = 'failed' AND mode IS NULL`)).sort(),
    )
    // Seeded: failed when i % 97 = 0 unless i % 10 = 0 (link issued), default mode when i % 3 = 0, so
    // i a multiple of 291 up to 20,000 (68) but not of 2,910 (6).
    expect(failedDefault).toHaveLength(62)
  })

  it('searches names, expected domains, verified domains and tenant IDs', async () => {
    const byName = await listCustomers(db.prisma, { q: 'customer 012345' })
    expect(byName.items.map((r) => r.name)).toEqual(['Customer 012345'])
    const byDomain = await listCustomers(db.prisma, { q: 'C12346.EXAMPLE.com' })
    expect(byDomain.items.map((r) => r.name)).toEqual(['Customer 012346'])
    const byVerified = await listCustomers(db.prisma, { q: 'c12347.onmicrosoft.com' })
    expect(byVerified.items.map((r) => r.name)).toContain('Customer 012347')
    const [tenant] = await db.prisma.$queryRawUnsafe<{ tenant_id: string }[]>(
      `SELECT tenant_id FROM customers WHERE name = 'Customer 012349'`,
    )
    const byTenant = await listCustomers(db.prisma, { q: tenant?.tenant_id.toUpperCase() ?? 'x' })
    expect(byTenant.items.map((r) => r.name)).toEqual(['Customer 012349'])
    // LIKE wildcards are literal text.
    expect((await listCustomers(db.prisma, { q: '%' })).items).toEqual([])
  })

  it('refuses bad input: limits, unknown filters, forged or foreign cursors', async () => {
    await expect(listCustomers(db.prisma, { limit: 201 })).rejects.toBeInstanceOf(ValidationError)
    await expect(listCustomers(db.prisma, { complianceState: 'bogus' as 'drifted' })).rejects.toBeInstanceOf(
      ValidationError,
    )
    await expect(listCustomers(db.prisma, { cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(ValidationError)
    const page = await listCustomers(db.prisma, { sort: 'name', order: 'asc', limit: 5 })
    expect(page.nextCursor).not.toBeNull()
    await expect(
      listCustomers(db.prisma, { sort: 'createdAt', cursor: page.nextCursor ?? '' }),
    ).rejects.toBeInstanceOf(ValidationError)
    const forged = Buffer.from(JSON.stringify({ s: 'name', o: 'asc', v: "x' OR 1=1", id: 'nope' })).toString(
      'base64url',
    )
    await expect(
      listCustomers(db.prisma, { sort: 'name', order: 'asc', cursor: forged }),
    ).rejects.toBeInstanceOf(ValidationError)
  })

  // The page is one statement joined with the steps and the trust verdicts. customer_trust is empty in this
  // fixture, and the planner rightly reads an empty table directly; customers and onboarding_steps are
  // never scanned whole.
  const SEQ_SCAN = /Seq Scan on (customers|onboarding_steps)\b/
  it('runs each page on an index, not a sequential scan', async () => {
    const first = await plan({})
    expect(first).toContain('customers_created_at_id_idx')
    expect(first).not.toMatch(SEQ_SCAN)
    const page = await listCustomers(db.prisma, { sort: 'name', order: 'asc', limit: 50 })
    const byName = await plan({ sort: 'name', order: 'asc', cursor: page.nextCursor ?? '' })
    expect(byName).toContain('customers_name_id_idx')
    expect(byName).not.toMatch(SEQ_SCAN)
    for (const sort of ['lastCheckAt', 'complianceChangedAt'] as const) {
      const text = await plan({ sort, order: 'desc' })
      expect(text).toContain(`customers_${COLUMN[sort]}_id_idx`)
      expect(text).not.toMatch(SEQ_SCAN)
    }
    // Filtered pages: the state index or the sort index, never a scan of the whole table.
    const drifted = await plan({ complianceState: 'drifted', sort: 'name', order: 'asc' })
    expect(drifted).toMatch(/customers_(compliance_state|name_id)_idx/)
    expect(drifted).not.toMatch(SEQ_SCAN)
  })

  it('stays fast deep into the list (keyset, no OFFSET)', async () => {
    const started = performance.now()
    const ids = await walk({ sort: 'createdAt', order: 'asc', limit: 200 })
    expect(ids).toHaveLength(N)
    // 100 pages of 200 with their step lookups; generous bound for a loaded 2-core CI machine.
    expect(performance.now() - started).toBeLessThan(20_000)
  })
})
