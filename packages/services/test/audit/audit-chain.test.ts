// The audit hash chain: concurrent writers produce one linear chain that the TypeScript verifier accepts,
// the database's hash and the TypeScript one agree on tricky JSON, and an owner's tampering (the owner
// can disable the append-only triggers) is reported at the link where it happened.
import { AUDIT_CHAIN_GENESIS, auditEventHash, canonicalJsonText } from '@crosstrust/core'
import type { Db } from '@crosstrust/db'
import { createTestDatabase, type TestDatabase } from '@crosstrust/testkit'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { recordAudit, verifyAuditChain } from '../../src/index.ts'

const STAFF = {
  type: 'staff' as const,
  id: 'oid-chain',
  name: 'Chain Tester',
  requestId: 'req-1',
  ip: '10.0.0.1',
}

let db: TestDatabase
beforeEach(async () => {
  db = await createTestDatabase()
})
afterEach(async () => {
  await db.drop()
})

async function record(n: number): Promise<void> {
  for (let i = 1; i <= n; i += 1) {
    await db.prisma.$transaction((tx) =>
      recordAudit(tx, STAFF, { action: 'test.event', entityType: 'test', entityId: String(i), after: { i } }),
    )
  }
}

async function chain(client: Db = db.prisma) {
  return client.$queryRaw<{ id: bigint; seq: bigint; prev_hash: string; hash: string }[]>`
    SELECT id, chain_seq AS seq, prev_hash, hash FROM audit_events ORDER BY chain_seq`
}

/** Runs `sql` as the owner with the append-only triggers switched off, as a hostile owner would. */
async function tamper(sql: string[]): Promise<void> {
  await db.asOwner(async (owner) => {
    await owner.$transaction(async (tx) => {
      await tx.$executeRawUnsafe('ALTER TABLE audit_events DISABLE TRIGGER USER')
      for (const statement of sql) await tx.$executeRawUnsafe(statement)
      await tx.$executeRawUnsafe('ALTER TABLE audit_events ENABLE TRIGGER USER')
    })
  })
}

describe('audit hash chain', () => {
  it('an empty trail is a valid chain whose head is the genesis hash', async () => {
    expect(await verifyAuditChain(db.prisma)).toEqual({
      ok: true,
      count: 0,
      headSeq: null,
      headHash: AUDIT_CHAIN_GENESIS,
    })
  })

  it('20 concurrent transactions produce one linear chain, positions 1..40, each linked to the one before', async () => {
    // Each transaction writes two events and holds its transaction open in between, so they interleave.
    // They queue for the pool's 5 connections and then for the chain lock: generous waits for a busy CI box.
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        db.prisma.$transaction(
          async (tx) => {
            await recordAudit(tx, STAFF, { action: 'test.first', entityId: String(i), after: { i } })
            await new Promise((r) => setTimeout(r, 5 + (i % 4) * 5))
            await recordAudit(tx, STAFF, { action: 'test.second', entityId: String(i) })
          },
          { maxWait: 30_000, timeout: 30_000 },
        ),
      ),
    )
    const rows = await chain()
    expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: 40 }, (_, i) => i + 1))
    expect(rows[0]?.prev_hash).toBe(AUDIT_CHAIN_GENESIS)
    for (let i = 1; i < rows.length; i += 1) expect(rows[i]?.prev_hash).toBe(rows[i - 1]?.hash)
    const result = await verifyAuditChain(db.prisma, { pageSize: 7 })
    expect(result).toEqual({ ok: true, count: 40, headSeq: '40', headHash: rows[39]?.hash })
  })

  it('takes the chain position at commit: an open audited transaction does not hold up another writer', async () => {
    let finish = () => {}
    const held = new Promise<void>((resolve) => {
      finish = resolve
    })
    let inserted = () => {}
    const written = new Promise<void>((resolve) => {
      inserted = resolve
    })
    // A slow writer: its event is inserted, then its transaction stays open (more statements, a slow app).
    const slow = db.prisma.$transaction(
      async (tx) => {
        await recordAudit(tx, STAFF, { action: 'test.slow' })
        inserted()
        await held
      },
      { timeout: 30_000 },
    )
    await written
    // Before, the insert took the chain lock until the slow writer committed: this one would time out.
    await db.prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe(`SET LOCAL lock_timeout = '2s'`)
      await recordAudit(tx, STAFF, { action: 'test.fast' })
    })
    finish()
    await slow
    const rows = await db.prisma.$queryRaw<{ action: string; seq: bigint }[]>`
      SELECT action, chain_seq AS seq FROM audit_events ORDER BY chain_seq`
    // Positions follow the commits, not the inserts; nothing is left with a placeholder.
    expect(rows).toEqual([
      { action: 'test.fast', seq: 1n },
      { action: 'test.slow', seq: 2n },
    ])
    expect((await verifyAuditChain(db.prisma)).ok).toBe(true)
  })

  it('leaves no event unchained when a writer chains per statement instead (SET CONSTRAINTS … IMMEDIATE)', async () => {
    const seen = await db.prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe('SET CONSTRAINTS audit_events_chain_at_commit IMMEDIATE')
      await recordAudit(tx, STAFF, { action: 'test.immediate' })
      return tx.$queryRaw<{ seq: bigint }[]>`SELECT chain_seq AS seq FROM audit_events`
    })
    expect(seen).toEqual([{ seq: 1n }])
    expect((await verifyAuditChain(db.prisma)).ok).toBe(true)
  })

  it('overwrites chain values a writer passes', async () => {
    await db.prisma.auditEvent.create({
      data: {
        actorType: 'system',
        action: 'test.forged',
        chainSeq: 99n,
        prevHash: 'f'.repeat(64),
        hash: 'x',
      },
    })
    const [row] = await chain()
    expect(row).toMatchObject({ seq: 1n, prev_hash: AUDIT_CHAIN_GENESIS })
    expect((await verifyAuditChain(db.prisma)).ok).toBe(true)
  })

  it('dates every event itself: a writer cannot append an event in the past', async () => {
    const before = Date.now()
    await db.prisma.auditEvent.create({
      data: {
        actorType: 'staff',
        actorName: 'Alva Admin',
        action: 'onboarding.tenant_confirmed',
        at: new Date('2020-01-01T00:00:00Z'),
      },
    })
    const stored = await db.prisma.auditEvent.findFirstOrThrow({
      where: { action: 'onboarding.tenant_confirmed' },
    })
    expect(stored.at.getTime()).toBeGreaterThanOrEqual(before - 1_000)
    expect((await verifyAuditChain(db.prisma)).ok).toBe(true)
  })

  it('an anchor kept outside the database reveals deleted newest rows and a recomputed chain', async () => {
    await record(5)
    const head = await verifyAuditChain(db.prisma)
    if (!head.ok || head.headSeq === null) throw new Error('chain not intact')
    const anchor = { seq: head.headSeq, hash: head.headHash }
    expect(await verifyAuditChain(db.prisma, { anchor })).toMatchObject({ ok: true, count: 5 })
    await record(2)
    expect(await verifyAuditChain(db.prisma, { anchor })).toMatchObject({ ok: true, count: 7 })

    await tamper(['DELETE FROM audit_events WHERE chain_seq > 3'])
    // Without the anchor a shortened chain is still a valid chain.
    expect(await verifyAuditChain(db.prisma)).toMatchObject({ ok: true, count: 3 })
    expect(await verifyAuditChain(db.prisma, { anchor })).toMatchObject({
      ok: false,
      break: { kind: 'anchor_mismatch', seq: '5', id: null, expected: anchor.hash, found: 'no row' },
    })
  })

  it('the database and TypeScript agree on the hash of tricky content (unicode, nesting, numbers, nulls)', async () => {
    const values: unknown[] = [
      { z: 1, a: [3, 2, { y: null, b: true }], é: 'åäö', '𝄞': '😀', '\uffff': 'bmp', Z: false },
      { '10': 'ten', '9': 'nine', '': 'empty key', 'a b': 'x' },
      { text: 'quote " backslash \\ slash / tab \t newline \n bell \u0007 del \u007f line-sep \u2028' },
      { n: [0, -1, 1.5, 0.1, 1e21, 1.5e-7, -0, 123456789012345, Number.MAX_SAFE_INTEGER] },
      { nested: { deeper: { deepest: [[[]], {}, [null]] } } },
      'a plain string',
      42,
      null,
    ]
    for (const [i, value] of values.entries()) {
      await db.prisma.$transaction((tx) =>
        recordAudit(
          tx,
          { type: 'customer_admin', name: 'Ådmin 🛡' },
          { action: 'test.tricky', before: value, after: [i, value] },
        ),
      )
    }
    // Number literals only jsonb itself can produce (trailing zeros, beyond double precision, exponents).
    await db.prisma.$executeRawUnsafe(`
      INSERT INTO audit_events (actor_type, action, before, after) VALUES
        ('system', 'test.numbers', '{"a": 1.50, "b": 12345678901234567890123, "c": 1E+2, "d": -0.000}',
         '[1e-10, 100000000000000000000000000000.000000000001]')`)
    expect(await verifyAuditChain(db.prisma, { pageSize: 3 })).toMatchObject({
      ok: true,
      count: values.length + 1,
    })

    const docs = [
      '{"b": {"d": 1, "c": [1, 2.50, "x"]}, "a": null, "ä": "ö", "aa": 1, "A": 2}',
      '{"k": "\\u00e9\\ud83d\\ude00\\u0001", "n": 1e400}',
      '[[], {}, "", 0, -1.0e-5]',
      '"\\" \\\\ \\b \\f \\n \\r \\t"',
    ]
    for (const doc of docs) {
      const [row] = await db.prisma.$queryRaw<{ stored: string; canonical: string }[]>`
        SELECT ${doc}::jsonb::text AS stored, audit_canonical_json(${doc}::jsonb) AS canonical`
      expect(canonicalJsonText(row?.stored ?? '')).toBe(row?.canonical)
    }
  })

  it('detects the owner changing one row’s content, at that row', async () => {
    await record(5)
    const before = await chain()
    await tamper([`UPDATE audit_events SET after = '{"i": 30}' WHERE chain_seq = 3`])
    const result = await verifyAuditChain(db.prisma, { pageSize: 2 })
    expect(result).toMatchObject({
      ok: false,
      count: 2,
      break: { kind: 'content_changed', seq: '3', id: String(before[2]?.id), expected: before[2]?.hash },
    })
    if (result.ok) throw new Error('unreachable')
    expect(result.break.found).toMatch(/^[0-9a-f]{64}$/)
    expect(result.break.found).not.toBe(before[2]?.hash)
  })

  it('detects the owner changing a row and recomputing its hash, at the next link', async () => {
    await record(5)
    const before = await chain()
    await tamper([
      `UPDATE audit_events SET action = 'test.rewritten' WHERE chain_seq = 3`,
      `UPDATE audit_events SET hash = audit_event_hash(audit_events) WHERE chain_seq = 3`,
    ])
    expect(await verifyAuditChain(db.prisma)).toMatchObject({
      ok: false,
      count: 3,
      break: { kind: 'link_broken', seq: '4', id: String(before[3]?.id), found: before[2]?.hash },
    })
  })

  it('detects the owner deleting a row, at its position', async () => {
    await record(5)
    const before = await chain()
    await tamper(['DELETE FROM audit_events WHERE chain_seq = 3'])
    expect(await verifyAuditChain(db.prisma)).toEqual({
      ok: false,
      count: 2,
      break: {
        kind: 'row_missing',
        seq: '3',
        id: null,
        expected: 'seq 3',
        found: 'seq 4',
        message: `no row at position 3: the next row (id ${String(before[3]?.id)}) is at 4`,
      },
    })
  })

  it('detects the owner slipping a forged row in (renumbering the rest, with a valid hash), at its position', async () => {
    await record(5)
    const before = await chain()
    const forged = {
      seq: '3',
      id: '1000',
      at: new Date('2026-01-01T00:00:00.000Z'),
      actorType: 'staff',
      actorId: 'oid-someone',
      actorName: 'Someone Else',
      action: 'customer.mode_changed',
      customerId: null,
      entityType: null,
      entityId: null,
      beforeJson: null,
      afterJson: '{"mode": "report"}',
      requestId: null,
      ip: null,
      prevHash: before[1]?.hash ?? '',
    }
    await tamper([
      'UPDATE audit_events SET chain_seq = chain_seq + 1000 WHERE chain_seq >= 3',
      'UPDATE audit_events SET chain_seq = chain_seq - 999 WHERE chain_seq >= 1003',
      `INSERT INTO audit_events (id, at, actor_type, actor_id, actor_name, action, after, chain_seq, prev_hash, hash)
       VALUES (1000, '2026-01-01T00:00:00.000Z', 'staff', 'oid-someone', 'Someone Else', 'customer.mode_changed',
               '{"mode": "report"}', 3, '${forged.prevHash}', '${auditEventHash(forged)}')`,
    ])
    expect(await verifyAuditChain(db.prisma)).toMatchObject({
      ok: false,
      count: 3,
      break: { kind: 'row_inserted', seq: '3', id: '1000', expected: before[1]?.hash },
    })
  })
})
