import { defaultPolicy, evaluatePartner, notificationDedupeKey } from '@crosstrust/core'
import { createTestDatabase, type TestDatabase } from '@crosstrust/testkit'
import { compliantPartnerFields } from '@crosstrust/testkit/fixtures'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { recordStateChange } from '../../src/index.ts'

let db: TestDatabase
let customerId: string

beforeAll(async () => {
  db = await createTestDatabase()
})
afterAll(async () => {
  await db.drop()
})

beforeEach(async () => {
  await db.prisma.webhookDelivery.deleteMany()
  await db.prisma.notificationEvent.deleteMany()
  await db.prisma.webhookEndpoint.deleteMany()
  const customer = await db.prisma.customer.create({
    data: { name: 'Contoso', tenantId: crypto.randomUUID(), onboardingState: 'onboarded' },
  })
  customerId = customer.id
  await db.prisma.webhookEndpoint.createMany({
    data: [
      { name: 'all', url: 'https://hooks.example.test/a', secret: 's1' },
      { name: 'drift only', url: 'https://hooks.example.test/b', secret: 's2', events: ['drifted'] },
      { name: 'disabled', url: 'https://hooks.example.test/c', secret: 's3', enabled: false },
    ],
  })
})

const at = new Date('2026-12-01T10:00:00Z')
// The partner entry with the hybrid-join trust flipped on: one repairable field drifts.
const compliant = compliantPartnerFields()
const drifted = evaluatePartner(
  defaultPolicy,
  { ...compliant, inboundTrust: { ...compliant.inboundTrust, isHybridAzureADJoinedDeviceAccepted: true } },
  [],
  at,
)

describe('recordStateChange', () => {
  it('records one event per transition and one delivery per subscribed, enabled endpoint', async () => {
    const ids = await db.prisma.$transaction((tx) =>
      recordStateChange(tx, {
        customerId,
        customerName: 'Contoso',
        previous: { status: 'compliant' },
        next: { status: 'drifted' },
        diff: drifted.fields,
        at,
        policyVersion: 1,
      }),
    )
    expect(ids).toHaveLength(2)
    const events = await db.prisma.notificationEvent.findMany()
    expect(events).toHaveLength(1)
    expect(events[0]?.dedupeKey).toBe(notificationDedupeKey(customerId, 'drifted', at))
    expect(events[0]?.eventType).toBe('drifted')
    const payload = events[0]?.payload as {
      fields: { path: string }[]
      customer: { tenantId: string }
      customerStatus: string
    }
    expect(payload.fields.map((f) => f.path)).toEqual(['inboundTrust.isHybridAzureADJoinedDeviceAccepted'])
    expect(payload.customer.tenantId).toMatch(/^[0-9a-f-]{36}$/)
    // Drift leaves the customer in Error (re-apply or accept the deviation).
    expect(payload.customerStatus).toBe('error')
    const deliveries = await db.prisma.webhookDelivery.findMany({ include: { endpoint: true } })
    expect(deliveries.map((d) => d.endpoint.name).sort()).toEqual(['all', 'drift only'])
    expect(deliveries.every((d) => d.status === 'pending' && d.attempts === 0)).toBe(true)
  })

  it('is a no-op when the same transition is recorded twice (retried job, second worker)', async () => {
    const input = {
      customerId,
      customerName: 'Contoso',
      previous: { status: 'compliant' as const },
      next: { status: 'drifted' as const },
      diff: drifted.fields,
      at,
    }
    const first = await db.prisma.$transaction((tx) => recordStateChange(tx, input))
    // The duplicate must neither throw nor abort the surrounding transaction.
    const second = await db.prisma.$transaction(async (tx) => {
      const ids = await recordStateChange(tx, input)
      await tx.customer.update({ where: { id: customerId }, data: { complianceState: 'drifted' } })
      return ids
    })
    expect(first).toHaveLength(2)
    expect(second).toEqual([])
    expect(await db.prisma.notificationEvent.count()).toBe(1)
    expect(await db.prisma.webhookDelivery.count()).toBe(2)
    const customer = await db.prisma.customer.findUniqueOrThrow({ where: { id: customerId } })
    expect(customer.complianceState).toBe('drifted')
  })

  it('records nothing when the state did not change', async () => {
    const ids = await db.prisma.$transaction((tx) =>
      recordStateChange(tx, {
        customerId,
        customerName: 'Contoso',
        previous: { status: 'drifted' },
        next: { status: 'drifted' },
        diff: drifted.fields,
        at,
      }),
    )
    expect(ids).toEqual([])
    expect(await db.prisma.notificationEvent.count()).toBe(0)
  })

  it('records several transitions at once, and events nobody subscribes to without deliveries', async () => {
    const ids = await db.prisma.$transaction((tx) =>
      recordStateChange(tx, {
        customerId,
        customerName: 'Contoso',
        previous: { status: 'access_lost' },
        next: { status: 'compliant' },
        at,
      }),
    )
    const events = await db.prisma.notificationEvent.findMany()
    expect(events.map((e) => e.eventType)).toEqual(['access_restored'])
    expect(ids).toHaveLength(1) // only the endpoint subscribed to everything
  })
})
