// Audit events are append-only, enforced by the database, not by convention: the app role has no UPDATE,
// DELETE or TRUNCATE privilege, and the triggers of migration audit_append_only stop the owner too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
// Relative import: testkit depends on @crosstrust/db, so a package dependency back would be a cycle.
import { createTestDatabase, type TestDatabase } from '../../testkit/src/index.ts'

let db: TestDatabase
let customerId: string
let eventId: bigint

beforeAll(async () => {
  db = await createTestDatabase()
  const customer = await db.prisma.customer.create({ data: { name: 'Contoso' } })
  customerId = customer.id
  const event = await db.prisma.auditEvent.create({
    data: {
      actorType: 'staff',
      actorId: 'oid-1',
      actorName: 'Ann Staff',
      action: 'customer.created',
      customerId,
      after: { name: 'Contoso' },
      requestId: 'req-1',
    },
  })
  eventId = event.id
})
afterAll(async () => {
  await db.drop()
})

describe('audit_events', () => {
  it('accepts inserts', async () => {
    await db.prisma.auditEvent.create({
      data: { actorType: 'system', action: 'check.completed', customerId },
    })
    expect(await db.prisma.auditEvent.count({ where: { customerId } })).toBe(2)
  })

  it('refuses UPDATE: the app role lacks the privilege, and the owner hits the trigger', async () => {
    await expect(
      db.prisma.auditEvent.update({ where: { id: eventId }, data: { action: 'customer.deleted' } }),
    ).rejects.toThrow(/permission denied for table audit_events/)
    await db.asOwner(async (owner) => {
      await expect(
        owner.auditEvent.update({ where: { id: eventId }, data: { action: 'customer.deleted' } }),
      ).rejects.toThrow(/append-only: UPDATE is not allowed/)
      await expect(owner.$executeRaw`UPDATE audit_events SET actor_name = 'someone else'`).rejects.toThrow(
        /append-only/,
      )
    })
    const event = await db.prisma.auditEvent.findUniqueOrThrow({ where: { id: eventId } })
    expect(event.action).toBe('customer.created')
    expect(event.actorName).toBe('Ann Staff')
  })

  it('refuses DELETE and TRUNCATE: the app role lacks the privilege, and the owner hits the trigger', async () => {
    await expect(db.prisma.auditEvent.delete({ where: { id: eventId } })).rejects.toThrow(
      /permission denied for table audit_events/,
    )
    await db.asOwner(async (owner) => {
      await expect(owner.auditEvent.delete({ where: { id: eventId } })).rejects.toThrow(
        /append-only: DELETE is not allowed/,
      )
      await expect(owner.auditEvent.deleteMany({})).rejects.toThrow(/append-only/)
      await expect(owner.$executeRawUnsafe('TRUNCATE audit_events')).rejects.toThrow(/append-only: TRUNCATE/)
    })
    expect(await db.prisma.auditEvent.count()).toBe(2)
  })

  it('keeps a customer with audit history from being deleted', async () => {
    await expect(db.prisma.customer.delete({ where: { id: customerId } })).rejects.toMatchObject({
      code: 'P2003', // foreign key constraint violated: audit_events.customer_id is ON DELETE RESTRICT
    })
    expect(await db.prisma.customer.count({ where: { id: customerId } })).toBe(1)
  })
})
