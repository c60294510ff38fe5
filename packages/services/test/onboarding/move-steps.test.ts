// moveSteps on a real database: the steps it writes, the customer columns it sets with them in one UPDATE
// (only those named, with their SQL types: every column of StepCustomerColumns is written here once, so a
// renamed column fails this file), and a move on a customer that is gone.
import { NotFoundError, ONBOARDING_STEPS } from '@crosstrust/core'
import { createTestDatabase, type TestDatabase } from '@crosstrust/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSteps, loadSteps, moveSteps } from '../../src/onboarding-steps.ts'

let db: TestDatabase

beforeAll(async () => {
  db = await createTestDatabase()
})
afterAll(async () => {
  await db.drop()
})

const TENANT = '3f0e1c55-7d43-4a4e-9d1c-0b6f3c1d2e4a'

describe('moveSteps', () => {
  it('writes the moves and the named customer columns in one update, leaving the others as they were', async () => {
    const customer = await db.prisma.customer.create({
      data: { name: 'Contoso', tenantDisplayName: 'Kept', lastFailureReason: 'An old failure.' },
    })
    const now = new Date('2026-12-01T10:00:00.000Z')

    const moved = await db.prisma.$transaction((tx) =>
      moveSteps(
        tx,
        customer.id,
        [
          { step: 'link_issued', to: 'succeeded', message: 'Link issued.' },
          { step: 'consent_received', to: 'succeeded', message: 'Consent received.' },
        ],
        now,
        {
          consentedTenantId: TENANT,
          verifiedDomains: ['contoso.com'],
          licence: 'p1',
          lastFailureReason: null,
        },
      ),
    )

    expect(moved.state).toBe('consent_received')
    const row = await db.prisma.customer.findUniqueOrThrow({ where: { id: customer.id } })
    expect(row).toMatchObject({
      onboardingState: 'consent_received',
      consentedTenantId: TENANT,
      verifiedDomains: ['contoso.com'],
      licence: 'p1',
      lastFailureReason: null,
      tenantDisplayName: 'Kept',
      tenantId: null,
      version: customer.version + 1,
    })
    expect(row.updatedAt.getTime()).toBeGreaterThanOrEqual(customer.updatedAt.getTime())
    // A customer made without its step rows: its first move writes all of them, the moved ones and the rest
    // as pending, in the same statement.
    const steps = await db.prisma.onboardingStep.findMany({ where: { customerId: customer.id } })
    const byStep = Object.fromEntries(steps.map((s) => [s.step, s.status]))
    expect(byStep).toEqual(
      Object.fromEntries(ONBOARDING_STEPS.map((step, i) => [step, i < 2 ? 'succeeded' : 'pending'])),
    )
    const read = await loadSteps(db.prisma, customer.id)
    expect(read.map((s) => s.status)).toEqual(
      ONBOARDING_STEPS.map((_, i) => (i < 2 ? 'succeeded' : 'pending')),
    )
  })

  it('sets the bound tenant and its display name, keeping the consenting tenant', async () => {
    const customer = await db.prisma.customer.create({
      data: { name: 'Northwind', consentedTenantId: TENANT },
    })
    await db.prisma.$transaction((tx) => createSteps(tx, customer.id))

    await db.prisma.$transaction((tx) =>
      moveSteps(tx, customer.id, [{ step: 'link_issued', to: 'succeeded' }], new Date(), {
        tenantId: TENANT,
        tenantDisplayName: 'Northwind Traders',
      }),
    )

    const row = await db.prisma.customer.findUniqueOrThrow({ where: { id: customer.id } })
    expect(row).toMatchObject({
      tenantId: TENANT,
      tenantDisplayName: 'Northwind Traders',
      consentedTenantId: TENANT,
    })
    const steps = await db.prisma.onboardingStep.findMany({ where: { customerId: customer.id } })
    expect(Object.fromEntries(steps.map((s) => [s.step, s.status]))).toEqual(
      Object.fromEntries(ONBOARDING_STEPS.map((step, i) => [step, i === 0 ? 'succeeded' : 'pending'])),
    )
  })

  it('writes a step row that is missing (a customer from before that step existed) with its first move', async () => {
    const customer = await db.prisma.customer.create({ data: { name: 'Tailspin' } })
    await db.prisma.$transaction((tx) => createSteps(tx, customer.id))
    await db.prisma.onboardingStep.delete({
      where: { customerId_step: { customerId: customer.id, step: 'tenant_confirmed' } },
    })

    await db.prisma.$transaction((tx) =>
      moveSteps(tx, customer.id, [{ step: 'link_issued', to: 'succeeded' }], new Date()),
    )

    const rows = await db.prisma.onboardingStep.findMany({ where: { customerId: customer.id } })
    expect(rows.map((r) => r.step).sort()).toEqual([...ONBOARDING_STEPS].sort())
    expect(rows.find((r) => r.step === 'tenant_confirmed')?.status).toBe('pending')
  })

  it('reads the steps it chooses moves from in the same transaction, and writes nothing when none apply', async () => {
    const customer = await db.prisma.customer.create({ data: { name: 'Fabrikam' } })
    const now = new Date()
    await db.prisma.$transaction((tx) =>
      moveSteps(tx, customer.id, [{ step: 'link_issued', to: 'succeeded' }], now),
    )
    const before = await db.prisma.customer.findUniqueOrThrow({ where: { id: customer.id } })

    const seen: string[] = []
    const result = await db.prisma.$transaction((tx) =>
      moveSteps(
        tx,
        customer.id,
        (steps) => {
          seen.push(...steps.filter((s) => s.status === 'succeeded').map((s) => s.step))
          return []
        },
        now,
      ),
    )

    expect(seen).toEqual(['link_issued'])
    expect(result.state).toBe('link_issued')
    const after = await db.prisma.customer.findUniqueOrThrow({ where: { id: customer.id } })
    expect(after.version).toBe(before.version)
  })

  it('throws NotFoundError for a customer that does not exist, and the transaction writes nothing', async () => {
    const missing = '00000000-0000-4000-8000-000000000001'
    await expect(
      db.prisma.$transaction((tx) =>
        moveSteps(tx, missing, [{ step: 'link_issued', to: 'succeeded' }], new Date(), {
          tenantDisplayName: 'Nobody',
        }),
      ),
    ).rejects.toBeInstanceOf(NotFoundError)
    expect(await db.prisma.onboardingStep.count({ where: { customerId: missing } })).toBe(0)
  })
})
