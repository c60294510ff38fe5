// Staff actions that the dashboard and the JSON API share, on a real database: offboarding checks the typed
// name in the service (not in a route), and the small read helpers the routes use instead of Prisma.
import { NotFoundError, ValidationError } from '@crosstrust/core'
import { createTestDatabase, type TestDatabase } from '@crosstrust/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { customerLabel, customerStateCounts, requestOffboard, type ServiceContext } from '../../src/index.ts'

const STAFF = { type: 'staff' as const, id: 'oid-admin', name: 'Alva Admin' }
const NOW = new Date('2026-12-01T10:00:00.000Z')
let db: TestDatabase
let enqueued: { kind: string; payload: unknown }[]
let ctx: ServiceContext

beforeAll(async () => {
  db = await createTestDatabase()
  enqueued = []
  ctx = {
    db: db.prisma,
    now: () => NOW,
    enqueue: (kind, payload) => {
      enqueued.push({ kind, payload })
      return Promise.resolve()
    },
  }
})

afterAll(async () => {
  await db.drop()
})

async function onboardedCustomer(name: string) {
  return db.prisma.customer.create({
    data: { name, onboardingState: 'onboarded', complianceState: 'compliant' },
  })
}

describe('requestOffboard with a typed confirmation', () => {
  it('changes nothing when the typed name differs, and says why', async () => {
    const c = await onboardedCustomer('Fabrikam Retail')
    const attempt = requestOffboard(ctx, c.id, STAFF, { confirmName: 'Fabrikam', reason: 'contract ended' })
    await expect(attempt).rejects.toBeInstanceOf(ValidationError)
    await expect(attempt).rejects.toMatchObject({
      code: 'confirmation_mismatch',
      detail: 'Nothing changed: type the customer’s name exactly to confirm offboarding.',
    })
    const after = await db.prisma.customer.findUniqueOrThrow({ where: { id: c.id } })
    expect(after.onboardingState).toBe('onboarded')
    expect(enqueued.filter((e) => e.kind === 'offboard')).toEqual([])
  })

  it('starts offboarding when the typed name matches (surrounding spaces ignored)', async () => {
    const c = await onboardedCustomer('Northwind Traders')
    const queued = await requestOffboard(ctx, c.id, STAFF, { confirmName: '  Northwind Traders ' })
    expect(queued).toEqual({ customerId: c.id, queued: 'offboard', requestedAt: NOW.toISOString() })
    const after = await db.prisma.customer.findUniqueOrThrow({ where: { id: c.id } })
    expect(after.onboardingState).toBe('offboarding')
    expect(enqueued.at(-1)).toEqual({
      kind: 'offboard',
      payload: { customerId: c.id, requestedAt: NOW.toISOString(), actor: 'oid-admin' },
    })
  })

  it('answers an id that is not a UUID with NotFoundError, without querying by it', async () => {
    await expect(requestOffboard(ctx, 'not-a-uuid', STAFF, { confirmName: 'x' })).rejects.toBeInstanceOf(
      NotFoundError,
    )
  })
})

describe('read helpers for routes', () => {
  it('customerLabel returns id and name, or null for an unknown or malformed id', async () => {
    const c = await onboardedCustomer('Contoso Manufacturing AB')
    expect(await customerLabel(db.prisma, c.id)).toEqual({ id: c.id, name: 'Contoso Manufacturing AB' })
    expect(await customerLabel(db.prisma, '7a1f0c6e-5d3b-4c2a-9e8f-0b1c2d3e4f50')).toBeNull()
    expect(await customerLabel(db.prisma, 'not-a-uuid')).toBeNull()
  })

  it('customerStateCounts counts customers per (onboarding, compliance) state pair', async () => {
    const counts = await customerStateCounts(db.prisma)
    const sorted = [...counts].sort((a, b) =>
      `${a.onboardingState}/${a.complianceState}`.localeCompare(`${b.onboardingState}/${b.complianceState}`),
    )
    // Created above: Fabrikam (still onboarded), Northwind (offboarding), Contoso (onboarded).
    expect(sorted).toEqual([
      { onboardingState: 'offboarding', complianceState: 'compliant', count: 1 },
      { onboardingState: 'onboarded', complianceState: 'compliant', count: 2 },
    ])
  })
})
