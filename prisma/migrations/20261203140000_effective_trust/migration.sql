-- CreateEnum
CREATE TYPE "trust_verdict" AS ENUM ('effective', 'partly', 'no_effect', 'blocked', 'unknown');

-- CreateTable
CREATE TABLE "customer_trust" (
    "customer_id" UUID NOT NULL,
    "verdict" "trust_verdict" NOT NULL,
    "reason" TEXT NOT NULL,
    "fix" TEXT,
    "findings" JSONB NOT NULL DEFAULT '{}',
    "missing_permissions" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "evaluated_at" TIMESTAMPTZ(3) NOT NULL,
    "changed_at" TIMESTAMPTZ(3) NOT NULL,
    "change_count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "customer_trust_pkey" PRIMARY KEY ("customer_id")
);

-- CreateIndex
CREATE INDEX "customer_trust_verdict_idx" ON "customer_trust"("verdict");

-- AddForeignKey
ALTER TABLE "customer_trust" ADD CONSTRAINT "customer_trust_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The application's privileges on the new table (see the app_role_grants migration).
GRANT SELECT, INSERT, UPDATE, DELETE ON "customer_trust" TO crosstrust_app;
