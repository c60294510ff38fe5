-- The sweep's lease on a customer's scheduled check: when the sweep last enqueued it. The sweep skips a due
-- customer whose lease is newer than its due time (the job is still queued or running) and not stale, so a
-- backlog is enqueued once, not again on every sweep (packages/services/src/monitoring/due-work.ts).
ALTER TABLE "customers" ADD COLUMN "check_enqueued_at" TIMESTAMPTZ(3);
