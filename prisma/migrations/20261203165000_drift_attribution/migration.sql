-- CreateEnum
CREATE TYPE "attribution_status" AS ENUM ('pending', 'found', 'not_found', 'not_enabled', 'failed');

-- CreateTable
CREATE TABLE "drift_attributions" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "check_run_id" UUID NOT NULL,
    "customer_id" UUID NOT NULL,
    "status" "attribution_status" NOT NULL,
    "window_start" TIMESTAMPTZ(3) NOT NULL,
    "window_end" TIMESTAMPTZ(3) NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_lookup_at" TIMESTAMPTZ(3),
    "entries" JSONB NOT NULL DEFAULT '[]',
    "error_message" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "drift_attributions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "drift_attributions_check_run_id_key" ON "drift_attributions"("check_run_id");
CREATE INDEX "drift_attributions_customer_id_created_at_idx" ON "drift_attributions"("customer_id", "created_at" DESC);
CREATE INDEX "drift_attributions_status_next_lookup_at_idx" ON "drift_attributions"("status", "next_lookup_at");

-- AddForeignKey
ALTER TABLE "drift_attributions" ADD CONSTRAINT "drift_attributions_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "drift_attributions" ADD CONSTRAINT "drift_attributions_check_run_id_fkey" FOREIGN KEY ("check_run_id") REFERENCES "check_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The application's privileges on the new table (see the app_role_grants migration).
GRANT SELECT, INSERT, UPDATE, DELETE ON "drift_attributions" TO crosstrust_app;
