-- Audit events are append-only (packages/db/README.md): the database itself refuses to change or remove them, so
-- neither a bug nor a compromised application role can rewrite history. INSERT stays allowed.
CREATE FUNCTION audit_events_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege', HINT = 'Record a new audit event instead.';
END;
$$;

-- Row-level: UPDATE and DELETE (including ON DELETE/UPDATE CASCADE or SET NULL from customers).
CREATE TRIGGER audit_events_no_update_delete
  BEFORE UPDATE OR DELETE ON "audit_events"
  FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();

-- Statement-level: TRUNCATE bypasses row triggers.
CREATE TRIGGER audit_events_no_truncate
  BEFORE TRUNCATE ON "audit_events"
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
