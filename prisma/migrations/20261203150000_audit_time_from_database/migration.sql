-- The time of an audit event is the database's, not the writer's: a writer holding the app role could
-- otherwise append an event dated in the past (before the customer existed) and the chain would still verify.
CREATE OR REPLACE FUNCTION audit_events_chain() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  head_seq bigint;
  head_hash text;
BEGIN
  PERFORM pg_advisory_xact_lock(4242424201);
  NEW.at := clock_timestamp();
  SELECT chain_seq, hash INTO head_seq, head_hash FROM "audit_events" ORDER BY chain_seq DESC LIMIT 1;
  NEW.chain_seq := coalesce(head_seq, 0) + 1;
  NEW.prev_hash := coalesce(head_hash, repeat('0', 64));
  NEW.hash := audit_event_hash(NEW);
  RETURN NEW;
END;
$$;

DO $$
BEGIN
  EXECUTE format('ALTER FUNCTION audit_events_chain() SET search_path = pg_catalog, %I, pg_temp', current_schema());
END;
$$;
