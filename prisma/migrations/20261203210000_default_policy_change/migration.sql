-- A changed default cross-tenant access policy is noticed between checks (a fingerprint of the members
-- effective trust reads, and when a check last read it) and attributed like a drift.
-- CreateEnum
CREATE TYPE "attribution_subject" AS ENUM ('partner_entry', 'default_policy');

-- AlterTable
ALTER TABLE "customers" ADD COLUMN "default_policy_fingerprint" TEXT,
ADD COLUMN "default_policy_seen_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "drift_attributions" ADD COLUMN "subject" "attribution_subject" NOT NULL DEFAULT 'partner_entry',
ADD COLUMN "follow_up" BOOLEAN NOT NULL DEFAULT true;

-- The app role already holds its privileges on both tables (table-level grants cover new columns; see the
-- app_role_grants migration): nothing to grant.
