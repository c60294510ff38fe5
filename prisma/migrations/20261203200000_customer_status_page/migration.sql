-- CreateEnum
CREATE TYPE "offboarded_by" AS ENUM ('partner', 'customer');

-- AlterTable
ALTER TABLE "customers" ADD COLUMN "offboarded_by" "offboarded_by",
ADD COLUMN "offboarded_by_admin" TEXT;

-- Customers offboarded before this column existed were all offboarded by staff.
UPDATE "customers" SET "offboarded_by" = 'partner' WHERE "onboarding_state" IN ('offboarding', 'offboarded');

-- CreateTable
CREATE TABLE "status_links" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "customer_id" UUID NOT NULL,
    "token_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_by" TEXT NOT NULL,
    "revoked_at" TIMESTAMPTZ(3),
    "consent_state_id" UUID,

    CONSTRAINT "status_links_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "status_sign_ins" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "status_link_id" UUID NOT NULL,
    "state_hash" TEXT NOT NULL,
    "browser_hash" TEXT NOT NULL,
    "nonce" TEXT NOT NULL,
    "code_verifier" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),

    CONSTRAINT "status_sign_ins_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "status_sessions" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "status_link_id" UUID NOT NULL,
    "session_hash" TEXT NOT NULL,
    "tenant_id" UUID NOT NULL,
    "oid" TEXT NOT NULL,
    "username" TEXT,
    "name" TEXT,
    "directory_roles" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "directory_roles_known" BOOLEAN NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "status_sessions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "status_links_token_hash_key" ON "status_links"("token_hash");
CREATE UNIQUE INDEX "status_links_consent_state_id_key" ON "status_links"("consent_state_id");
CREATE INDEX "status_links_customer_id_created_at_idx" ON "status_links"("customer_id", "created_at" DESC);
CREATE UNIQUE INDEX "status_sign_ins_state_hash_key" ON "status_sign_ins"("state_hash");
CREATE INDEX "status_sign_ins_status_link_id_idx" ON "status_sign_ins"("status_link_id");
CREATE UNIQUE INDEX "status_sessions_session_hash_key" ON "status_sessions"("session_hash");
CREATE INDEX "status_sessions_status_link_id_idx" ON "status_sessions"("status_link_id");

-- AddForeignKey
ALTER TABLE "status_links" ADD CONSTRAINT "status_links_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "status_sign_ins" ADD CONSTRAINT "status_sign_ins_status_link_id_fkey" FOREIGN KEY ("status_link_id") REFERENCES "status_links"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "status_sessions" ADD CONSTRAINT "status_sessions_status_link_id_fkey" FOREIGN KEY ("status_link_id") REFERENCES "status_links"("id") ON DELETE CASCADE ON UPDATE CASCADE;
