-- A hash chain over the audit trail. The append-only triggers stop the application; the table's owner can
-- still disable them, so every row also carries the hash of its predecessor and its own hash over its
-- canonical content: changing, removing or slipping in a row breaks the chain at that row, which
-- `verifyAuditChain` (packages/services) reports. The canonical form is specified in packages/db/README.md
-- ("The audit hash chain") and reproduced independently in TypeScript.

ALTER TABLE "audit_events"
  ADD COLUMN "chain_seq" BIGINT,
  ADD COLUMN "prev_hash" TEXT,
  ADD COLUMN "hash" TEXT;

-- Canonical JSON: objects with keys sorted by their UTF-8 bytes, no whitespace, strings escaped as
-- JSON.stringify does, numbers and literals exactly as jsonb prints them.
CREATE FUNCTION audit_canonical_json(value jsonb) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
  out text;
BEGIN
  CASE jsonb_typeof(value)
    WHEN 'object' THEN
      SELECT '{' || coalesce(string_agg(to_jsonb(k)::text || ':' || audit_canonical_json(value -> k), ','
                                        ORDER BY k COLLATE "C"), '') || '}'
        INTO out FROM jsonb_object_keys(value) AS k;
    WHEN 'array' THEN
      SELECT '[' || coalesce(string_agg(audit_canonical_json(e.element), ',' ORDER BY e.n), '') || ']'
        INTO out FROM jsonb_array_elements(value) WITH ORDINALITY AS e(element, n);
    ELSE
      out := value::text;
  END CASE;
  RETURN out;
END;
$$;

-- sha256 (hex) of: predecessor's hash, a newline, the canonical JSON of the row's content. Ids and
-- sequence numbers are strings (exact in any language); `at` is ISO 8601 UTC with milliseconds.
CREATE FUNCTION audit_event_hash(e "audit_events") RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT encode(sha256(convert_to(e.prev_hash || E'\n' || audit_canonical_json(jsonb_build_object(
    'seq', e.chain_seq::text,
    'id', e.id::text,
    'at', to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'actorType', e.actor_type::text,
    'actorId', e.actor_id,
    'actorName', e.actor_name,
    'action', e.action,
    'customerId', e.customer_id::text,
    'entityType', e.entity_type,
    'entityId', e.entity_id,
    'before', e.before,
    'after', e.after,
    'requestId', e.request_id,
    'ip', e.ip
  )), 'UTF8')), 'hex')
$$;

-- Existing rows join the chain in id order (they were written one transaction at a time before this).
ALTER TABLE "audit_events" DISABLE TRIGGER audit_events_no_update_delete;
DO $$
DECLARE
  r "audit_events";
  previous text := repeat('0', 64);
  n bigint := 0;
BEGIN
  FOR r IN SELECT * FROM "audit_events" ORDER BY id LOOP
    n := n + 1;
    r.chain_seq := n;
    r.prev_hash := previous;
    r.hash := audit_event_hash(r);
    UPDATE "audit_events" SET chain_seq = r.chain_seq, prev_hash = r.prev_hash, hash = r.hash WHERE id = r.id;
    previous := r.hash;
  END LOOP;
END;
$$;
ALTER TABLE "audit_events" ENABLE TRIGGER audit_events_no_update_delete;

ALTER TABLE "audit_events"
  ALTER COLUMN "chain_seq" SET NOT NULL,
  ALTER COLUMN "prev_hash" SET NOT NULL,
  ALTER COLUMN "hash" SET NOT NULL;
-- One row per position: two writers that somehow read the same head fail instead of forking the chain.
CREATE UNIQUE INDEX "audit_events_chain_seq_key" ON "audit_events"("chain_seq");

-- Appends a row to the chain. The bigserial id is drawn before BEFORE triggers fire and transactions commit
-- in any order, so the id is not the chain order: the position is assigned here, under a transaction-level
-- advisory lock (per database) that serialises audit writers until commit. Whatever the writer put in the
-- chain columns is overwritten.
CREATE FUNCTION audit_events_chain() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  head_seq bigint;
  head_hash text;
BEGIN
  PERFORM pg_advisory_xact_lock(4242424201);
  SELECT chain_seq, hash INTO head_seq, head_hash FROM "audit_events" ORDER BY chain_seq DESC LIMIT 1;
  NEW.chain_seq := coalesce(head_seq, 0) + 1;
  NEW.prev_hash := coalesce(head_hash, repeat('0', 64));
  NEW.hash := audit_event_hash(NEW);
  RETURN NEW;
END;
$$;

CREATE TRIGGER audit_events_chain
  BEFORE INSERT ON "audit_events"
  FOR EACH ROW EXECUTE FUNCTION audit_events_chain();

-- Resolve names at a fixed path: a session's search_path (or a temporary table named audit_events, which
-- pg_temp would otherwise find first) must not change which table is the head or which function hashes.
DO $$
BEGIN
  EXECUTE format('ALTER FUNCTION audit_canonical_json(jsonb) SET search_path = pg_catalog, %I, pg_temp', current_schema());
  EXECUTE format('ALTER FUNCTION audit_event_hash("audit_events") SET search_path = pg_catalog, %I, pg_temp', current_schema());
  EXECUTE format('ALTER FUNCTION audit_events_chain() SET search_path = pg_catalog, %I, pg_temp', current_schema());
END;
$$;
