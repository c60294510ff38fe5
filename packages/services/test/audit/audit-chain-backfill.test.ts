// Audit rows written before the hash chain existed join it when the migration `audit_hash_chain` runs:
// in id order, from the genesis hash, verifiable like any later row; new rows continue the same chain.
import { AUDIT_CHAIN_GENESIS } from '@crosstrust/core'
import { createPrismaClient } from '@crosstrust/db'
import { createDatabaseMigratedThrough } from '@crosstrust/testkit'
import { expect, it } from 'vitest'
import { recordAudit, verifyAuditChain } from '../../src/index.ts'

it('backfills existing audit rows into the chain in id order, and later rows extend it', async () => {
  const partial = await createDatabaseMigratedThrough('20261201090000_app_role_grants')
  const app = createPrismaClient(partial.url, { poolSize: 2 })
  try {
    // Raw SQL throughout: the generated client knows columns this schema version lacks.
    const [customer] = await app.$queryRaw<{ id: string }[]>`
      INSERT INTO customers (name, updated_at) VALUES ('Contoso', now()) RETURNING id::text AS id`
    if (customer === undefined) throw new Error('no customer row')
    for (const action of ['customer.created', 'consent_link.issued', 'customer.mode_changed']) {
      await app.$executeRaw`
        INSERT INTO audit_events (actor_type, actor_name, action, customer_id, after)
        VALUES ('staff', 'Ann Staff', ${action}, ${customer.id}::uuid, jsonb_build_object('action', ${action}::text))`
    }
    await partial.applyMigration('20261201090100_audit_hash_chain')

    const rows = await app.auditEvent.findMany({ orderBy: { id: 'asc' } })
    expect(rows.map((r) => [r.action, r.chainSeq])).toEqual([
      ['customer.created', 1n],
      ['consent_link.issued', 2n],
      ['customer.mode_changed', 3n],
    ])
    expect(rows[0]?.prevHash).toBe(AUDIT_CHAIN_GENESIS)
    expect(await verifyAuditChain(app)).toEqual({ ok: true, count: 3, headSeq: '3', headHash: rows[2]?.hash })

    await app.$transaction((tx) => recordAudit(tx, { type: 'system' }, { action: 'check.completed' }))
    const head = await app.auditEvent.findFirstOrThrow({ where: { action: 'check.completed' } })
    expect(head).toMatchObject({ chainSeq: 4n, prevHash: rows[2]?.hash })
    expect(await verifyAuditChain(app)).toMatchObject({ ok: true, count: 4, headHash: head.hash })
  } finally {
    await app.$disconnect()
    await partial.drop()
  }
})
