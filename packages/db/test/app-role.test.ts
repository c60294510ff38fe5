// The role the application connects as (DATABASE_URL) has exactly the privileges the migration
// `app_role_grants` gives the group role crosstrust_app: plain DML on the app's tables, only SELECT and
// INSERT on audit_events, nothing on Prisma's bookkeeping, no ownership, no role attributes. Every way
// around that is refused by PostgreSQL's privilege checks (SQLSTATE 42501), and normal work still runs.
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
// Relative import: testkit depends on @crosstrust/db, so a package dependency back would be a cycle.
import {
  createTestDatabase,
  TEST_APP_ROLE,
  TEST_OWNER_ROLE,
  type TestDatabase,
} from '../../testkit/src/index.ts'

let db: TestDatabase
let app: pg.Client

beforeAll(async () => {
  db = await createTestDatabase()
  app = new pg.Client({ connectionString: db.url })
  await app.connect()
  await app.query(`INSERT INTO audit_events (actor_type, action) VALUES ('system', 'test.seed')`)
})
afterAll(async () => {
  await app.end()
  await db.drop()
})

/** The error PostgreSQL raised for `sql` as the app role: SQLSTATE and message. */
async function refusal(sql: string): Promise<{ code: string | undefined; message: string }> {
  try {
    await app.query(sql)
  } catch (error) {
    const e = error as pg.DatabaseError
    return { code: e.code, message: e.message }
  }
  throw new Error(`not refused: ${sql}`)
}

describe('the app role', () => {
  it('is the login role of DATABASE_URL, a member of crosstrust_app, without superuser, CREATEROLE or CREATEDB', async () => {
    const { rows } = await app.query<Record<string, unknown>>(`
      SELECT current_user::text AS name, rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls,
             pg_has_role(current_user, 'crosstrust_app', 'MEMBER') AS in_group,
             pg_has_role(current_user, '${TEST_OWNER_ROLE}', 'MEMBER') AS in_owner,
             (SELECT pg_get_userbyid(datdba)::text FROM pg_database WHERE datname = current_database()) AS db_owner
      FROM pg_roles WHERE rolname = current_user`)
    expect(rows).toEqual([
      {
        name: TEST_APP_ROLE,
        rolsuper: false,
        rolcreaterole: false,
        rolcreatedb: false,
        rolreplication: false,
        rolbypassrls: false,
        in_group: true,
        in_owner: false,
        db_owner: TEST_OWNER_ROLE,
      },
    ])
  })

  it('owns nothing and has exactly these table privileges', async () => {
    const owned = await app.query(`
      SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND pg_has_role(current_user, c.relowner, 'MEMBER')`)
    expect(owned.rows).toEqual([])
    const { rows } = await app.query<{ table: string; privileges: string }>(`
      SELECT c.relname::text AS table,
             concat_ws(',', CASE WHEN has_table_privilege(c.oid, 'SELECT') THEN 'SELECT' END,
                            CASE WHEN has_table_privilege(c.oid, 'INSERT') THEN 'INSERT' END,
                            CASE WHEN has_table_privilege(c.oid, 'UPDATE') THEN 'UPDATE' END,
                            CASE WHEN has_table_privilege(c.oid, 'DELETE') THEN 'DELETE' END,
                            CASE WHEN has_table_privilege(c.oid, 'TRUNCATE') THEN 'TRUNCATE' END,
                            CASE WHEN has_table_privilege(c.oid, 'REFERENCES') THEN 'REFERENCES' END,
                            CASE WHEN has_table_privilege(c.oid, 'TRIGGER') THEN 'TRIGGER' END) AS privileges
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY 1`)
    const dml = 'SELECT,INSERT,UPDATE,DELETE'
    // A new table shows up here: decide its privileges in its migration (default privileges give it DML).
    expect(rows).toEqual([
      { table: '_prisma_migrations', privileges: '' },
      { table: 'accepted_deviations', privileges: dml },
      { table: 'audit_events', privileges: 'SELECT,INSERT' },
      { table: 'check_runs', privileges: dml },
      { table: 'consent_links', privileges: dml },
      { table: 'consent_states', privileges: dml },
      { table: 'customer_trust', privileges: dml },
      { table: 'customers', privileges: dml },
      { table: 'drift_attributions', privileges: dml },
      { table: 'email_deliveries', privileges: dml },
      { table: 'notification_events', privileges: dml },
      { table: 'onboarding_steps', privileges: dml },
      { table: 'policy_rollouts', privileges: dml },
      { table: 'policy_versions', privileges: dml },
      { table: 'staff_sessions', privileges: dml },
      { table: 'status_links', privileges: dml },
      { table: 'status_sessions', privileges: dml },
      { table: 'status_sign_ins', privileges: dml },
      { table: 'webhook_deliveries', privileges: dml },
      { table: 'webhook_endpoints', privileges: dml },
    ])
  })

  it.each([
    [
      'UPDATE audit_events',
      `UPDATE audit_events SET action = 'forged'`,
      'permission denied for table audit_events',
    ],
    ['DELETE FROM audit_events', 'DELETE FROM audit_events', 'permission denied for table audit_events'],
    ['TRUNCATE audit_events', 'TRUNCATE audit_events', 'permission denied for table audit_events'],
    [
      'DISABLE TRIGGER',
      'ALTER TABLE audit_events DISABLE TRIGGER USER',
      'must be owner of table audit_events',
    ],
    [
      'DISABLE one trigger',
      'ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete',
      'must be owner of table audit_events',
    ],
    [
      'DROP TRIGGER',
      'DROP TRIGGER audit_events_chain ON audit_events',
      'must be owner of relation audit_events',
    ],
    [
      'replace the chain function',
      `CREATE OR REPLACE FUNCTION audit_events_chain() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END'`,
      'permission denied for schema public',
    ],
    ['CREATE TABLE', 'CREATE TABLE shadow (id int)', 'permission denied for schema public'],
    ['ALTER TABLE', 'ALTER TABLE customers ADD COLUMN shadow int', 'must be owner of table customers'],
    ['DROP TABLE', 'DROP TABLE webhook_endpoints', 'must be owner of table webhook_endpoints'],
    ['CREATE SCHEMA', 'CREATE SCHEMA shadow', /^permission denied for database /],
    [
      'GRANT itself access to a table it cannot use',
      `GRANT ALL ON _prisma_migrations TO ${TEST_APP_ROLE}`,
      'permission denied for table _prisma_migrations',
    ],
    [
      'GRANT itself the owner role',
      `GRANT ${TEST_OWNER_ROLE} TO ${TEST_APP_ROLE}`,
      `must have admin option on role "${TEST_OWNER_ROLE}"`,
    ],
    [
      'SET ROLE to the owner',
      `SET ROLE ${TEST_OWNER_ROLE}`,
      `permission denied to set role "${TEST_OWNER_ROLE}"`,
    ],
    [
      'switch triggers off for the session',
      'SET session_replication_role = replica',
      'permission denied to set parameter "session_replication_role"',
    ],
    [
      'make itself superuser',
      `ALTER ROLE ${TEST_APP_ROLE} SUPERUSER`,
      'must be superuser to alter superuser roles or change superuser attribute',
    ],
    [
      'read Prisma’s bookkeeping',
      'SELECT * FROM _prisma_migrations',
      'permission denied for table _prisma_migrations',
    ],
  ])('cannot %s (42501)', async (_what, sql, message) => {
    const error = await refusal(sql)
    expect(error.code).toBe('42501')
    if (typeof message === 'string') expect(error.message).toBe(message)
    else expect(error.message).toMatch(message)
  })

  it('cannot GRANT itself (or its group) UPDATE on audit_events: nothing is granted', async () => {
    // On a table where the grantor holds some privileges but no grant option, PostgreSQL answers GRANT with
    // warning 01007 instead of an error, and grants nothing; the UPDATE stays refused.
    const notices: { code: string | undefined; message: string }[] = []
    const onNotice = (n: { code?: string; message?: string }) =>
      notices.push({ code: n.code, message: n.message ?? '' })
    app.on('notice', onNotice)
    try {
      await app.query(`GRANT UPDATE, DELETE, TRUNCATE ON audit_events TO ${TEST_APP_ROLE}`)
      await app.query('GRANT UPDATE ON audit_events TO crosstrust_app')
    } finally {
      app.off('notice', onNotice)
    }
    expect(notices).toEqual([
      { code: '01007', message: 'no privileges were granted for "audit_events"' },
      { code: '01007', message: 'no privileges were granted for "audit_events"' },
    ])
    expect(await refusal(`UPDATE audit_events SET action = 'forged'`)).toEqual({
      code: '42501',
      message: 'permission denied for table audit_events',
    })
    expect(await refusal('TRUNCATE audit_events')).toMatchObject({ code: '42501' })
  })

  it('still does its normal work: DML on its tables, appends to the audit trail, reads it', async () => {
    await app.query('BEGIN')
    // Chained at the end of each statement instead of at COMMIT, so the positions show before the rollback.
    await app.query('SET CONSTRAINTS audit_events_chain_at_commit IMMEDIATE')
    try {
      const customer = await app.query<{ id: string }>(
        `INSERT INTO customers (name, updated_at) VALUES ('Contoso', now()) RETURNING id`,
      )
      const id = customer.rows[0]?.id
      await app.query(`UPDATE customers SET name = 'Contoso AB', updated_at = now() WHERE id = $1`, [id])
      await app.query(
        `INSERT INTO audit_events (actor_type, action, customer_id) VALUES ('staff', 'customer.created', $1)`,
        [id],
      )
      const gone = await app.query<{ id: string }>(
        `INSERT INTO customers (name, updated_at) VALUES ('Temporary', now()) RETURNING id`,
      )
      const deleted = await app.query(`DELETE FROM customers WHERE id = $1`, [gone.rows[0]?.id])
      expect(deleted.rowCount).toBe(1)
      const audit = await app.query<{ seq: string }>(
        `SELECT chain_seq::text AS seq FROM audit_events ORDER BY chain_seq`,
      )
      expect(audit.rows).toEqual([{ seq: '1' }, { seq: '2' }])
    } finally {
      await app.query('ROLLBACK')
    }
  })

  it('cannot redirect the chain trigger to a temporary table of its own', async () => {
    // pg_temp comes first on a session's search_path; the chain trigger resolves names on a fixed path.
    await app.query('BEGIN')
    await app.query('SET CONSTRAINTS audit_events_chain_at_commit IMMEDIATE')
    try {
      await app.query('CREATE TEMP TABLE audit_events (chain_seq bigint, hash text) ON COMMIT DROP')
      await app.query(`INSERT INTO pg_temp.audit_events VALUES (1000, 'forged')`)
      await app.query(
        `INSERT INTO public.audit_events (actor_type, action) VALUES ('system', 'test.after_temp')`,
      )
      // Read back after the statement: RETURNING shows the row before the chain trigger positioned it.
      const inserted = await app.query<{ seq: string; prev_hash: string }>(
        `SELECT chain_seq::text AS seq, prev_hash FROM public.audit_events WHERE action = 'test.after_temp'`,
      )
      const head = await app.query<{ hash: string }>(
        `SELECT hash FROM public.audit_events WHERE chain_seq = 1`,
      )
      expect(inserted.rows).toEqual([{ seq: '2', prev_hash: head.rows[0]?.hash }])
    } finally {
      await app.query('ROLLBACK')
    }
  })
})
