// Expired status-page sign-ins and sessions are deleted by the hourly link cleanup; the ones still usable
// stay, and a second run finds nothing.
import { createTestDatabase, type TestDatabase } from '@crosstrust/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cleanUpStatusSignIns } from '../../src/index.ts'

const now = new Date('2026-12-03T12:00:00Z')
const inMinutes = (minutes: number) => new Date(now.getTime() + minutes * 60_000)

let db: TestDatabase

beforeAll(async () => {
  db = await createTestDatabase()
})
afterAll(async () => {
  await db.drop()
})

describe('cleanUpStatusSignIns', () => {
  it('deletes expired sign-ins and sessions and keeps the live ones', async () => {
    const customer = await db.prisma.customer.create({ data: { name: 'Alpha' } })
    const link = await db.prisma.statusLink.create({
      data: {
        customerId: customer.id,
        tokenHash: 'hash-link',
        createdBy: 'Oskar Operator',
        delivery: 'staff',
      },
    })
    const signIn = (name: string, expiresAt: Date, usedAt: Date | null = null) =>
      db.prisma.statusSignIn.create({
        data: { statusLinkId: link.id, stateHash: name, browserHash: 'b', nonce: 'n', expiresAt, usedAt },
      })
    const session = (name: string, expiresAt: Date) =>
      db.prisma.statusSession.create({
        data: {
          statusLinkId: link.id,
          sessionHash: name,
          tenantId: '6babcaad-604b-40ac-a9d7-9fd97c0b779f',
          oid: 'oid',
          directoryRolesKnown: false,
          expiresAt,
        },
      })
    await signIn('expired', inMinutes(-20))
    await signIn('expired-used', inMinutes(-1), inMinutes(-5))
    const liveSignIn = await signIn('live', inMinutes(5))
    await session('expired', inMinutes(-1))
    const liveSession = await session('live', inMinutes(25))

    expect(await cleanUpStatusSignIns(db.prisma, now)).toEqual({ signIns: 2, sessions: 1 })
    expect((await db.prisma.statusSignIn.findMany()).map((s) => s.id)).toEqual([liveSignIn.id])
    expect((await db.prisma.statusSession.findMany()).map((s) => s.id)).toEqual([liveSession.id])
    // The link itself is not touched: it does not expire.
    expect(await db.prisma.statusLink.count()).toBe(1)

    expect(await cleanUpStatusSignIns(db.prisma, now)).toEqual({ signIns: 0, sessions: 0 })
  })
})
