// The staff read side against a real database with 20,000 customers: keyset pagination visits every row
// exactly once in every sort, filters and search are right, and the page query runs on an index.
import {
  buildCreateBody,
  defaultPolicy,
  snapshotOwnedFields,
  ValidationError,
  NotFoundError,
} from '@crosstrust/core'
import { Prisma } from '@crosstrust/db'
import { createTestDatabase, type TestDatabase } from '@crosstrust/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createCustomer,
  customerDetail,
  customerListQuerySchema,
  customerPageSql,
  exportCustomersCsv,
  issueConsentLink,
  listAuditEvents,
  listCustomers,
  listNeedsAttention,
  listRuns,
  summaryCounts,
  type CustomerListQuery,
  type CustomerSort,
  type ServiceContext,
} from '../../src/index.ts'

const N = 20_000
const STAFF = { type: 'staff' as const, id: 'oid-q', name: 'Query Tester' }
const PARTNER = '07d2f395-f69c-43ab-88a2-b82f1151042d'
let db: TestDatabase
let ctx: ServiceContext

beforeAll(async () => {
  db = await createTestDatabase()
  ctx = {
    db: db.prisma,
    now: () => new Date(),
    enqueue: () => Promise.reject(new Error('nothing here enqueues')),
  }
  const snapshot = JSON.stringify(snapshotOwnedFields(defaultPolicy, buildCreateBody(defaultPolicy, PARTNER)))
  // Deliberately many equal sort values (last checks on the same few instants, names repeating) so the id
  // tie-break is exercised, and NULLs in the nullable sort columns.
  await db.prisma.$executeRawUnsafe(`
    INSERT INTO customers (name, tenant_id, expected_domain, verified_domains, onboarding_state,
      compliance_state, compliance_changed_at, mode, last_check_at, last_observed_snapshot, created_at, updated_at)
    SELECT CASE WHEN i % 7 = 0 THEN 'Same Name' ELSE 'Customer ' || lpad(i::text, 6, '0') END,
           CASE WHEN i % 10 = 0 THEN NULL ELSE md5('t' || i)::uuid END,
           'c' || i || '.example.com',
           CASE WHEN i % 10 = 0 THEN '{}'::text[] ELSE ARRAY['c' || i || '.onmicrosoft.com'] END,
           CASE WHEN i % 10 = 0 THEN 'link_issued' WHEN i % 97 = 0 THEN 'failed' ELSE 'onboarded' END::onboarding_state,
           CASE WHEN i % 10 = 0 OR i % 97 = 0 THEN 'pending' WHEN i % 50 = 1 THEN 'drifted'
                WHEN i % 211 = 0 THEN 'access_lost' ELSE 'compliant' END::compliance_state,
           CASE WHEN i % 10 = 0 THEN NULL ELSE timestamptz '2026-11-01' + (i % 300) * interval '1 minute' END,
           CASE WHEN i % 3 = 0 THEN NULL WHEN i % 3 = 1 THEN 'alert' ELSE 'remediate' END::customer_mode,
           CASE WHEN i % 10 = 0 THEN NULL ELSE timestamptz '2026-11-20' + (i % 50) * interval '1 minute' END,
           CASE WHEN i % 10 = 0 THEN NULL ELSE '${snapshot}'::jsonb END,
           timestamptz '2026-01-01' + i * interval '1 minute',
           now()
    FROM generate_series(1, ${N}) AS i`)
  // Steps for the customers still onboarding (the list shows their current step).
  await db.prisma.$executeRawUnsafe(`
    INSERT INTO onboarding_steps (customer_id, step, status, updated_at)
    SELECT c.id, s.step::onboarding_step_name,
           CASE WHEN s.step = 'link_issued' THEN 'succeeded' ELSE 'pending' END::step_status, now()
    FROM customers c CROSS JOIN (VALUES ('link_issued'), ('consent_received'), ('access_verified'),
      ('prerequisites_checked'), ('tenant_confirmed'), ('policy_applied'), ('verified')) AS s(step)
    WHERE c.onboarding_state = 'link_issued'`)
  await db.asOwner((owner) => owner.$executeRawUnsafe('ANALYZE')) // only the owner may
}, 180_000)
afterAll(async () => {
  await db.drop()
})

async function walk(query: CustomerListQuery): Promise<string[]> {
  const ids: string[] = []
  let cursor: string | undefined
  for (let pages = 0; pages < 10_000; pages++) {
    const page = await listCustomers(db.prisma, { ...query, ...(cursor === undefined ? {} : { cursor }) })
    ids.push(...page.items.map((r) => r.id))
    if (page.nextCursor === null) return ids
    cursor = page.nextCursor
  }
  throw new Error('pagination did not end')
}

const COLUMN: Record<CustomerSort, string> = {
  name: 'name',
  createdAt: 'created_at',
  lastCheckAt: 'last_check_at',
  complianceChangedAt: 'compliance_changed_at',
}

async function expectedOrder(sort: CustomerSort, order: 'asc' | 'desc', where: string): Promise<string[]> {
  const rows = await db.prisma.$queryRawUnsafe<{ id: string }[]>(
    `SELECT id FROM customers WHERE ${where} ORDER BY ${COLUMN[sort]} ${order}, id ${order}`,
  )
  return rows.map((r) => r.id)
}

async function plan(query: CustomerListQuery): Promise<string> {
  const sql = customerPageSql(customerListQuerySchema.parse(query))
  const rows = await db.prisma.$queryRaw<{ 'QUERY PLAN': string }[]>(Prisma.sql`EXPLAIN ${sql}`)
  return rows.map((r) => r['QUERY PLAN']).join('\n')
}

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

describe('summaryCounts and needs attention', () => {
  it('counts by onboarding state, compliance state and mode, and what needs attention', async () => {
    const counts = await summaryCounts(db.prisma)
    const count = async (where: string) =>
      Number(
        (
          await db.prisma.$queryRawUnsafe<{ n: bigint }[]>(
            `SELECT count(*) AS n FROM customers WHERE ${where}`,
          )
        )[0]?.n,
      )
    expect(counts.total).toBe(N)
    expect(counts.byOnboardingState.onboarded).toBe(await count(`onboarding_state = 'onboarded'`))
    expect(counts.byOnboardingState.failed).toBe(await count(`onboarding_state = 'failed'`))
    expect(counts.byComplianceState.drifted).toBe(await count(`compliance_state = 'drifted'`))
    expect(counts.byComplianceState.access_lost).toBe(await count(`compliance_state = 'access_lost'`))
    expect(counts.byMode.default).toBe(await count('mode IS NULL'))
    expect(counts.byMode.remediate).toBe(await count(`mode = 'remediate'`))
    expect(counts.byMode.report).toBe(0)
    expect(counts.needsAttention.failedOnboarding).toBe(counts.byOnboardingState.failed)
    expect(counts.needsAttention.expiringLinks).toBe(0)

    const customer = await createCustomer(
      ctx,
      () => Promise.reject(new Error('no lookup')),
      { name: 'Soon' },
      STAFF,
    )
    await issueConsentLink(ctx, { publicBaseUrl: 'https://ct.example', ttlDays: 2 }, customer.id, STAFF)
    const after = await summaryCounts(db.prisma)
    expect(after.needsAttention.expiringLinks).toBe(1)
    expect(after.needsAttention.total).toBe(counts.needsAttention.total + 1)

    // Most recent first: the link (expiring in the future), then the failures (changed now), then drift.
    const attention = await listNeedsAttention(db.prisma, { limit: 200 })
    expect(attention).toHaveLength(200)
    expect(attention[0]).toMatchObject({ reason: 'link_expiring', customerId: customer.id })
    expect(attention[1]?.reason).toBe('failed_onboarding')
    expect(attention.at(-1)?.reason).toMatch(/^(drifted|access_lost)$/)
    const dates = attention.map((a) => a.at?.getTime() ?? 0)
    expect(dates).toEqual([...dates].sort((a, b) => b - a))
  })
})

describe('customerDetail, runs and audit events', () => {
  it('shows steps, links (never the token), runs and audit, paginated by cursor', async () => {
    const customer = await createCustomer(
      ctx,
      () => Promise.reject(new Error('no lookup')),
      { name: 'Detail Co', notes: 'n' },
      STAFF,
    )
    const link = await issueConsentLink(
      ctx,
      { publicBaseUrl: 'https://ct.example', ttlDays: 14 },
      customer.id,
      STAFF,
    )
    await issueConsentLink(ctx, { publicBaseUrl: 'https://ct.example', ttlDays: 14 }, customer.id, STAFF)
    for (let i = 0; i < 7; i++) {
      await db.prisma.checkRun.create({
        data: {
          customerId: customer.id,
          kind: 'check',
          trigger: 'schedule',
          outcome: 'compliant',
          startedAt: new Date(Date.UTC(2026, 10, 1, 0, 0, i % 3)),
        },
      })
    }
    const detail = await customerDetail(db.prisma, customer.id)
    expect(detail.steps.map((s) => s.step)).toEqual([
      'link_issued',
      'consent_received',
      'access_verified',
      'prerequisites_checked',
      'tenant_confirmed',
      'policy_applied',
      'verified',
    ])
    expect(detail.steps[0]?.status).toBe('succeeded')
    expect(detail.consentLinks.map((l) => l.status)).toEqual(['open', 'revoked'])
    const token = link.url.split('/').pop() ?? ''
    expect(JSON.stringify(detail)).not.toContain(token)
    expect(JSON.stringify(detail)).not.toContain('tokenHash')
    expect(detail.recentRuns).toHaveLength(7)
    expect(detail.latestRun?.id).toBe(detail.recentRuns[0]?.id)
    expect(detail.recentAudit.map((a) => a.action)).toEqual([
      'consent_link.issued',
      'consent_link.issued',
      'customer.created',
    ])

    const runIds: string[] = []
    let cursor: string | undefined
    do {
      const page = await listRuns(db.prisma, {
        customerId: customer.id,
        limit: 2,
        ...(cursor ? { cursor } : {}),
      })
      runIds.push(...page.items.map((r) => r.id))
      cursor = page.nextCursor ?? undefined
    } while (cursor)
    expect(runIds).toEqual(detail.recentRuns.map((r) => r.id))

    const actions: string[] = []
    cursor = undefined
    do {
      const page = await listAuditEvents(db.prisma, {
        customerId: customer.id,
        limit: 1,
        ...(cursor ? { cursor } : {}),
      })
      actions.push(...page.items.map((a) => `${a.action}:${a.actorId ?? ''}`))
      cursor = page.nextCursor ?? undefined
    } while (cursor)
    expect(actions).toEqual([
      'consent_link.issued:oid-q',
      'consent_link.issued:oid-q',
      'customer.created:oid-q',
    ])
    const family = await listAuditEvents(db.prisma, { customerId: customer.id, action: 'customer.*' })
    expect(family.items.map((a) => a.action)).toEqual(['customer.created'])
    await expect(listAuditEvents(db.prisma, { action: "x'; --" })).rejects.toBeInstanceOf(ValidationError)
    await expect(customerDetail(db.prisma, 'nope')).rejects.toBeInstanceOf(NotFoundError)
  })
})

describe('exportCustomersCsv', () => {
  it('streams RFC 4180 CSV with formula injection neutralised', async () => {
    const names = ['=HYPERLINK("http://evil")', '+1', '-2', '@SUM(A1)', 'Comma, Inc', 'Line\nBreak', 'Plain']
    for (const name of names) {
      await createCustomer(ctx, () => Promise.reject(new Error('no lookup')), { name, notes: 'csv' }, STAFF)
    }
    let csv = ''
    for await (const chunk of exportCustomersCsv(db.prisma, { q: 'csv-none' })) csv += chunk
    expect(csv.split('\r\n')[0]).toMatch(/^"id","name","tenant_id",/)
    expect(csv.split('\r\n')).toHaveLength(2)

    csv = ''
    for await (const chunk of exportCustomersCsv(db.prisma, { onboardingState: 'not_started' })) csv += chunk
    expect(csv).toContain(`,"'=HYPERLINK(""http://evil"")",`)
    expect(csv).toContain(`,"'+1",`)
    expect(csv).toContain(`,"'-2",`)
    expect(csv).toContain(`,"'@SUM(A1)",`)
    expect(csv).toContain(`,"Comma, Inc",`)
    expect(csv).toContain(`,"Line\nBreak",`)
    expect(csv).toContain(`,"Plain",`)
  })

  it('exports every customer, page by page', async () => {
    let lines = 0
    for await (const chunk of exportCustomersCsv(db.prisma, { mode: 'alert' }))
      lines += chunk.endsWith('\r\n') ? 1 : 0
    const alert = await db.prisma.customer.count({ where: { mode: 'alert' } })
    expect(lines).toBe(alert + 1)
  })
})
