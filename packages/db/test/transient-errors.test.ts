// Which database failures pass (worth retrying the work later) and which do not, told apart on the errors
// the real driver adapter raises: a transaction that gave up waiting for the audit chain's lock is transient;
// a constraint violation is not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
// Relative import: testkit depends on @crosstrust/db, so a package dependency back would be a cycle.
import { createTestDatabase, type TestDatabase } from '../../testkit/src/index.ts'
import { isTransientDatabaseError } from '../src/index.ts'

let db: TestDatabase
beforeAll(async () => {
  db = await createTestDatabase()
})
afterAll(async () => {
  await db.drop()
})

/** The advisory lock every audited transaction takes (migration `audit_hash_chain`). */
const AUDIT_CHAIN_LOCK = 4242424201

describe('isTransientDatabaseError', () => {
  it('a transaction that gave up waiting for a lock another writer holds is transient', async () => {
    let release = () => {}
    const held = new Promise<void>((resolve) => {
      release = resolve
    })
    let locked = () => {}
    const taken = new Promise<void>((resolve) => {
      locked = resolve
    })
    // A slow audited writer: it holds the chain's lock until its transaction ends.
    const holder = db.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK}::bigint)`
      locked()
      await held
    })
    await taken
    const failure: unknown = await db.prisma
      .$transaction(async (tx) => {
        await tx.$executeRawUnsafe(`SET LOCAL lock_timeout = '200ms'`)
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK}::bigint)`
      })
      .catch((error: unknown) => error)
    release()
    await holder
    expect(failure).toBeInstanceOf(Error)
    expect(isTransientDatabaseError(failure)).toBe(true)
  })

  it("node-postgres's pool timeout and a dropped connection are transient", () => {
    expect(isTransientDatabaseError(new Error('timeout exceeded when trying to connect'))).toBe(true)
    expect(isTransientDatabaseError(new Error('Connection terminated unexpectedly'))).toBe(true)
  })

  it('a constraint violation or a programming error is not', async () => {
    const customer = await db.prisma.customer.create({
      data: { name: 'Contoso', tenantId: crypto.randomUUID() },
    })
    const duplicate: unknown = await db.prisma.customer
      .create({ data: { name: 'Copy', tenantId: customer.tenantId } })
      .catch((error: unknown) => error)
    expect(isTransientDatabaseError(duplicate)).toBe(false)
    expect(isTransientDatabaseError(new TypeError('undefined is not a function'))).toBe(false)
  })
})
