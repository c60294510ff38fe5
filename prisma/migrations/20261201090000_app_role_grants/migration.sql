-- The application's privileges, granted to the NOLOGIN group role `crosstrust_app`. Deployments make the
-- login role in the API's and worker's DATABASE_URL a member of it; migrations run as the owner role
-- (MIGRATION_DATABASE_URL), which owns every table. See packages/db/README.md ("Database roles").

-- The group role is cluster-wide and normally created once by whoever creates the roles (the compose init
-- script, the test kit, a DBA). A migrator allowed to create roles (a local superuser) creates it here;
-- concurrent migrations of other databases on the same server may race to do the same.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'crosstrust_app') THEN
    CREATE ROLE crosstrust_app NOLOGIN;
  END IF;
EXCEPTION
  WHEN duplicate_object OR unique_violation THEN NULL;
  WHEN insufficient_privilege THEN
    RAISE EXCEPTION 'role crosstrust_app does not exist and % may not create it', current_user
      USING HINT = 'Create it once per server: CREATE ROLE crosstrust_app NOLOGIN (packages/db/README.md).';
END;
$$;

-- Only the owner creates objects. (PostgreSQL 15 already revokes this from PUBLIC; older servers do not.)
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO crosstrust_app;

-- Every table the app uses: plain DML, never TRUNCATE, REFERENCES or TRIGGER, never ownership.
-- Prisma's migration bookkeeping (`_prisma_migrations`, absent from Prisma's shadow replays) belongs to the
-- owner alone.
DO $$
DECLARE
  t text;
BEGIN
  FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'
  LOOP
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON public.%I TO crosstrust_app', t);
  END LOOP;
END;
$$;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO crosstrust_app;
-- The audit trail: read and append, nothing else.
REVOKE UPDATE, DELETE ON "audit_events" FROM crosstrust_app;

-- Tables and sequences that later migrations create (as this same owner role) get the same DML grants
-- without each migration having to remember; a migration that adds an append-only table revokes what its
-- table must not allow, as above.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO crosstrust_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE ON SEQUENCES TO crosstrust_app;
