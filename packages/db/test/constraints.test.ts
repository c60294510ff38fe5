// Constraints the services rely on instead of check-then-write races.
import { createHash, randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isRecordNotFound, isUniqueViolation } from '@crosstrust/db'
// Relative import: testkit depends on @crosstrust/db, so a package dependency back would be a cycle.
import { createTestDatabase, type TestDatabase } from '../../testkit/src/index.ts'

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex')
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000)

let db: TestDatabase
let customerId: string

beforeAll(async () => {
  db = await createTestDatabase()
  const customer = await db.prisma.customer.create({
    data: {
      name: 'Fabrikam',
      contacts: [{ name: 'Bob Admin', email: 'bob@fabrikam.example', role: 'Global Administrator' }],
      expectedDomain: 'fabrikam.example',
      verifiedDomains: ['fabrikam.example'],
    },
  })
  customerId = customer.id
})
afterAll(async () => {
  await db.drop()
})

describe('customer defaults', () => {
  it('start not onboarded, compliance pending, global mode and interval, version 0', async () => {
    const customer = await db.prisma.customer.findUniqueOrThrow({ where: { id: customerId } })
    expect(customer).toMatchObject({
      onboardingState: 'not_started',
      complianceState: 'pending',
      licence: 'unknown',
      mode: null,
      checkIntervalSeconds: null,
      nextCheckAt: null,
      consecutiveFailures: 0,
      version: 0,
      verifiedDomains: ['fabrikam.example'],
    })
    expect(customer.contacts).toEqual([
      { name: 'Bob Admin', email: 'bob@fabrikam.example', role: 'Global Administrator' },
    ])
  })

  it('support optimistic concurrency on version', async () => {
    await db.prisma.customer.update({
      where: { id: customerId, version: 0 },
      data: { notes: 'first', version: { increment: 1 } },
    })
    const stale = db.prisma.customer.update({
      where: { id: customerId, version: 0 },
      data: { notes: 'stale' },
    })
    const error: unknown = await stale.catch((e: unknown) => e)
    expect(isRecordNotFound(error)).toBe(true)
    expect((await db.prisma.customer.findUniqueOrThrow({ where: { id: customerId } })).notes).toBe('first')
  })
})

describe('unique constraints', () => {
  it('allow one onboarding step row per customer and step', async () => {
    await db.prisma.onboardingStep.create({
      data: { customerId, step: 'access_verified', status: 'running', attempts: 1 },
    })
    const error: unknown = await db.prisma.onboardingStep
      .create({ data: { customerId, step: 'access_verified' } })
      .catch((e: unknown) => e)
    expect(isUniqueViolation(error)).toBe(true)
    // The intended write path: upsert on the compound key.
    await db.prisma.onboardingStep.upsert({
      where: { customerId_step: { customerId, step: 'access_verified' } },
      create: { customerId, step: 'access_verified' },
      update: { status: 'succeeded', attempts: { increment: 1 } },
    })
    const steps = await db.prisma.onboardingStep.findMany({ where: { customerId } })
    expect(steps).toHaveLength(1)
    expect(steps[0]).toMatchObject({ status: 'succeeded', attempts: 2 })
  })

  it('make consent token hashes unique and name the violated field', async () => {
    const tokenHash = sha256(randomBytes(32).toString('base64url'))
    await db.prisma.consentLink.create({
      data: { customerId, tokenHash, expiresAt: inDays(14), delivery: 'staff' },
    })
    const error: unknown = await db.prisma.consentLink
      .create({ data: { customerId, tokenHash, expiresAt: inDays(14), delivery: 'staff' } })
      .catch((e: unknown) => e)
    expect(isUniqueViolation(error, ['token_hash'])).toBe(true)
    expect(isUniqueViolation(error, ['tenant_id'])).toBe(false)
  })

  it('consume a consent state exactly once', async () => {
    const link = await db.prisma.consentLink.create({
      data: { customerId, tokenHash: sha256('link-for-state'), expiresAt: inDays(14), delivery: 'staff' },
    })
    const stateHash = sha256('state-value')
    await db.prisma.consentState.create({
      data: {
        stateHash,
        consentLinkId: link.id,
        expiresAt: new Date(Date.now() + 3_600_000),
        browserHash: sha256('browser-secret'),
      },
    })
    const consume = () =>
      db.prisma.consentState.updateMany({
        where: { stateHash, usedAt: null, expiresAt: { gt: new Date() } },
        data: { usedAt: new Date() },
      })
    const [first, second] = await Promise.all([consume(), consume()])
    expect([first.count, second.count].sort()).toEqual([0, 1])
  })

  it('allow each verified tenant on one customer only', async () => {
    const tenantId = '4f1c2a3b-5d6e-4f70-8a9b-0c1d2e3f4a5b'
    await db.prisma.customer.update({ where: { id: customerId }, data: { tenantId } })
    const error: unknown = await db.prisma.customer
      .create({ data: { name: 'Impostor', tenantId } })
      .catch((e: unknown) => e)
    expect(isUniqueViolation(error, ['tenant_id'])).toBe(true)
    // Many customers may still be without a tenant (NULLs are distinct).
    await db.prisma.customer.createMany({ data: [{ name: 'New A' }, { name: 'New B' }] })
  })

  it('record a notification transition once, and deliver it once per endpoint', async () => {
    const dedupeKey = `${customerId}:compliant->drifted:run-1`
    const event = await db.prisma.notificationEvent.create({
      data: {
        customerId,
        eventType: 'compliance.drifted',
        dedupeKey,
        payload: { from: 'compliant', to: 'drifted' },
      },
    })
    const duplicate: unknown = await db.prisma.notificationEvent
      .create({ data: { customerId, eventType: 'compliance.drifted', dedupeKey, payload: {} } })
      .catch((e: unknown) => e)
    expect(isUniqueViolation(duplicate, ['dedupe_key'])).toBe(true)

    const endpoint = await db.prisma.webhookEndpoint.create({
      data: {
        name: 'SOC',
        url: 'https://hooks.example/soc',
        secret: 'whsec-test',
        events: ['compliance.drifted'],
      },
    })
    const delivery = {
      endpointId: endpoint.id,
      eventId: event.id,
      eventType: event.eventType,
      customerId,
      payload: {},
    }
    await db.prisma.webhookDelivery.create({ data: delivery })
    const twice: unknown = await db.prisma.webhookDelivery.create({ data: delivery }).catch((e: unknown) => e)
    expect(isUniqueViolation(twice, ['endpoint_id', 'event_id'])).toBe(true)
  })
})
