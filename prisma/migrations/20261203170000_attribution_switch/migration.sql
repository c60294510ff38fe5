-- Drift attribution is opt-in per customer: it needs the audit-log permissions in the customer's consent.
-- AlterTable
ALTER TABLE "customers" ADD COLUMN "attribution_enabled" BOOLEAN NOT NULL DEFAULT false;

-- The app role already holds SELECT, INSERT, UPDATE and DELETE on "customers" (table-level grants cover new
-- columns; see the app_role_grants migration): nothing to grant.
