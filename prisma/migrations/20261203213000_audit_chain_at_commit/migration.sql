-- The audit chain's position is assigned when the writing transaction commits, not when the event is
-- inserted. Before, the BEFORE INSERT trigger took the chain's advisory lock at the insert and every audited
-- transaction held it for the rest of its life (its other statements, its round trips from the application,
-- its commit): audited transactions queued behind each other, and a wave of onboardings spent most of its
-- time waiting on that lock. Now:
--   1. BEFORE INSERT (no lock): the database dates the event and puts a placeholder in the chain columns
--      (position -id, empty hashes), overwriting whatever the writer passed.
--   2. A constraint trigger, DEFERRABLE INITIALLY DEFERRED, runs at COMMIT: it takes the lock, reads the head
--      and writes the row's position, predecessor hash and hash. The lock is held from there to the end of
--      the commit only. A writer that sets the constraint IMMEDIATE gets the old behaviour (chained at the end
--      of its statement), never an unchained row.
-- The function that writes the chain columns runs as the table's owner (SECURITY DEFINER): the application
-- role still has no UPDATE on audit_events, and the append-only trigger lets through exactly this one
-- update: from a placeholder to a position, from inside the chain trigger, with the content unchanged.

CREATE OR REPLACE FUNCTION audit_events_chain() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.at := clock_timestamp();
  NEW.chain_seq := -NEW.id;
  NEW.prev_hash := '';
  NEW.hash := '';
  RETURN NEW;
END;
$$;

CREATE FUNCTION audit_events_chain_at_commit() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER AS $$
DECLARE
  head_seq bigint;
  head_hash text;
  linked "audit_events";
BEGIN
  -- Already chained (a second firing cannot happen for one row, but a position is never reassigned).
  IF NEW.chain_seq > 0 THEN
    RETURN NULL;
  END IF;
  PERFORM pg_advisory_xact_lock(4242424201);
  SELECT chain_seq, hash INTO head_seq, head_hash FROM "audit_events" WHERE chain_seq > 0
    ORDER BY chain_seq DESC LIMIT 1;
  linked := NEW;
  linked.chain_seq := coalesce(head_seq, 0) + 1;
  linked.prev_hash := coalesce(head_hash, repeat('0', 64));
  linked.hash := audit_event_hash(linked);
  UPDATE "audit_events"
     SET chain_seq = linked.chain_seq, prev_hash = linked.prev_hash, hash = linked.hash
   WHERE id = NEW.id;
  RETURN NULL;
END;
$$;
REVOKE ALL ON FUNCTION audit_events_chain_at_commit() FROM PUBLIC;

CREATE CONSTRAINT TRIGGER audit_events_chain_at_commit
  AFTER INSERT ON "audit_events"
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION audit_events_chain_at_commit();

-- Append-only, except the chain trigger's own write of the chain columns over a placeholder.
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND pg_trigger_depth() > 1 AND OLD.chain_seq < 0 AND NEW.chain_seq > 0
     AND (OLD.id, OLD.at, OLD.actor_type, OLD.actor_id, OLD.actor_name, OLD.action, OLD.customer_id,
          OLD.entity_type, OLD.entity_id, OLD.before, OLD.after, OLD.request_id, OLD.ip)
         IS NOT DISTINCT FROM
         (NEW.id, NEW.at, NEW.actor_type, NEW.actor_id, NEW.actor_name, NEW.action, NEW.customer_id,
          NEW.entity_type, NEW.entity_id, NEW.before, NEW.after, NEW.request_id, NEW.ip)
  THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege', HINT = 'Record a new audit event instead.';
END;
$$;

DO $$
BEGIN
  EXECUTE format('ALTER FUNCTION audit_events_chain() SET search_path = pg_catalog, %I, pg_temp', current_schema());
  EXECUTE format('ALTER FUNCTION audit_events_chain_at_commit() SET search_path = pg_catalog, %I, pg_temp', current_schema());
  EXECUTE format('ALTER FUNCTION audit_events_append_only() SET search_path = pg_catalog, %I, pg_temp', current_schema());
END;
$$;
