-- CreateEnum
CREATE TYPE "email_kind" AS ENUM ('consent_link', 'reminder');
CREATE TYPE "email_status" AS ENUM ('pending', 'sent', 'bounced', 'failed');

-- CreateTable
CREATE TABLE "email_deliveries" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "customer_id" UUID NOT NULL,
    "kind" "email_kind" NOT NULL,
    "recipients" JSONB NOT NULL,
    "status" "email_status" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "consent_link_id" UUID,
    "message_id" TEXT,
    "smtp_response" TEXT,
    "bounced_recipients" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "sent_at" TIMESTAMPTZ(3),
    "reminder_queued_at" TIMESTAMPTZ(3),
    "reminds_id" UUID,
    "requested_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "email_deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "email_deliveries_customer_id_created_at_idx" ON "email_deliveries"("customer_id", "created_at" DESC);
CREATE INDEX "email_deliveries_kind_status_reminder_queued_at_idx" ON "email_deliveries"("kind", "status", "reminder_queued_at");
CREATE INDEX "email_deliveries_message_id_idx" ON "email_deliveries"("message_id");

-- AddForeignKey
ALTER TABLE "email_deliveries" ADD CONSTRAINT "email_deliveries_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The application's privileges on the new table (see the app_role_grants migration).
GRANT SELECT, INSERT, UPDATE, DELETE ON "email_deliveries" TO crosstrust_app;
