-- The status page link mailed after onboarding to the contacts whose consent-link mail was used.
ALTER TYPE "email_kind" ADD VALUE 'status_link';

-- The status link a status-link mail carried (minted when it was sent; the token is only in the mail).
ALTER TABLE "email_deliveries" ADD COLUMN "status_link_id" UUID;

-- One follow-up of each kind per mail: one reminder, one status-link mail (a re-run of onboarding finds it).
CREATE UNIQUE INDEX "email_deliveries_kind_reminds_id_key" ON "email_deliveries"("kind", "reminds_id");
