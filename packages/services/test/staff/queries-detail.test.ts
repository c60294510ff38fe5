// The rest of the staff read side against a real database with 20,000 customers: summary counts and what
// needs attention, a customer's detail with its runs and audit events, and the CSV export.
import { describe, expect, it } from 'vitest'
import { NotFoundError, ValidationError } from '@crosstrust/core'
import {
  createCustomer,
  customerDetail,
  exportCustomersCsv,
  issueConsentLink,
  listAuditEvents,
  listNeedsAttention,
  listRuns,
  mintConsentLink,
  summaryCounts,
} from '../../src/index.ts'
import { N, STAFF, db, ctx, useCustomerDatabase } from './queries-support.ts'

useCustomerDatabase()

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
    // A second open link (as a mail adds one) is the same customer: counted once, listed once.
    await mintConsentLink(
      ctx,
      { publicBaseUrl: 'https://ct.example', ttlDays: 1 },
      customer.id,
      STAFF,
      'email',
    )
    const after = await summaryCounts(db.prisma)
    expect(after.needsAttention.expiringLinks).toBe(1)
    expect(after.needsAttention.total).toBe(counts.needsAttention.total + 1)

    // Most recent first: the link (expiring in the future), then the failures (changed now), then drift.
    const attention = await listNeedsAttention(db.prisma, { limit: 200 })
    expect(attention).toHaveLength(200)
    expect(attention[0]).toMatchObject({ reason: 'link_expiring', customerId: customer.id })
    expect(attention.filter((a) => a.customerId === customer.id)).toHaveLength(1)
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
