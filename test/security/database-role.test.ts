// What the holder of the app's database credentials can do: the running system's own DATABASE_URL (what an
// attacker gets from a compromised API or worker) is used directly against PostgreSQL to erase or rewrite
// the audit trail, to escalate, and to reach the server's files. Everything is refused with SQLSTATE 42501,
// the trail is unchanged and its hash chain still verifies.
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verifyAuditChain } from '@crosstrust/services'
import { TEST_OWNER_ROLE } from '@crosstrust/testkit'
import { staffToken } from '../support/staff-tokens.ts'
import { startSystem, type System } from '../support/system.ts'

let sys: System
let client: pg.Client

beforeAll(async () => {
  sys = await startSystem({ worker: false })
  const token = await staffToken(sys, 'operator')
  // Real audit history, written by the product itself.
  for (const name of ['Contoso', 'Fabrikam']) {
    const res = await fetch(`${sys.baseUrl}/api/v1/customers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name }),
    })
    expect(res.status).toBe(201)
  }
  client = new pg.Client({ connectionString: sys.config.DATABASE_URL })
  await client.connect()
})
afterAll(async () => {
  await client.end()
  await sys.stop()
})

const ATTEMPTS: [string, string][] = [
  ['rewrite an audit event', `UPDATE audit_events SET actor_name = 'nobody'`],
  ['delete the audit trail', 'DELETE FROM audit_events'],
  ['truncate the audit trail', 'TRUNCATE audit_events'],
  ['switch the append-only triggers off', 'ALTER TABLE audit_events DISABLE TRIGGER USER'],
  ['drop the append-only trigger', 'DROP TRIGGER audit_events_no_update_delete ON audit_events'],
  ['drop the hash chain trigger', 'DROP TRIGGER audit_events_chain ON audit_events'],
  ['bypass triggers for the session', 'SET session_replication_role = replica'],
  ['drop the audit table', 'DROP TABLE audit_events'],
  ['rename the audit table away', 'ALTER TABLE audit_events RENAME TO audit_events_old'],
  ['become the owner', `SET ROLE ${TEST_OWNER_ROLE}`],
  ['grant itself the owner role', `GRANT ${TEST_OWNER_ROLE} TO CURRENT_USER`],
  ['create a role', 'CREATE ROLE intruder LOGIN SUPERUSER'],
  ['create a database', 'CREATE DATABASE intruder'],
  ['create a table', 'CREATE TABLE intruder (id int)'],
  ['read a server file', `SELECT pg_read_file('/etc/passwd')`],
  ['run a server program', `COPY (SELECT 1) TO PROGRAM 'id'`],
  ['change the server configuration', `ALTER SYSTEM SET log_statement = 'none'`],
  ['read migration bookkeeping', 'SELECT * FROM _prisma_migrations'],
]

describe('what the holder of the app’s database credentials can do', () => {
  it('connects as a role that is neither superuser nor owner', async () => {
    const { rows } = await client.query<{ rolsuper: boolean; owner: boolean }>(`
      SELECT rolsuper, pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = 'audit_events'::regclass), 'MEMBER') AS owner
      FROM pg_roles WHERE rolname = current_user`)
    expect(rows).toEqual([{ rolsuper: false, owner: false }])
  })

  it.each(ATTEMPTS)('cannot %s (42501)', async (_what, sql) => {
    const error = await client.query(sql).then(
      () => null,
      (e: unknown) => e as pg.DatabaseError,
    )
    expect(error?.code).toBe('42501')
  })

  it('leaves the audit trail intact and its hash chain valid', async () => {
    const result = await verifyAuditChain(sys.db.prisma)
    expect(result).toMatchObject({ ok: true, count: 2 })
    expect(await sys.db.prisma.auditEvent.count({ where: { actorName: 'nobody' } })).toBe(0)
  })
})
