-- pg_trgm backs the GIN trigram index on customers.name (free-text search with ILIKE). Not modelled in
-- schema.prisma (the postgresqlExtensions preview feature is not used), so it is created here.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- CreateEnum
CREATE TYPE "licence" AS ENUM ('none', 'p1', 'p2', 'unknown');

-- CreateEnum
CREATE TYPE "onboarding_state" AS ENUM ('not_started', 'link_issued', 'consent_received', 'access_verified', 'prerequisites_checked', 'policy_applied', 'onboarded', 'failed', 'offboarding', 'offboarded');

-- CreateEnum
CREATE TYPE "compliance_state" AS ENUM ('pending', 'compliant', 'drifted', 'unknown', 'access_lost', 'removed_by_customer', 'offboarded');

-- CreateEnum
CREATE TYPE "customer_mode" AS ENUM ('report', 'alert', 'remediate');

-- CreateEnum
CREATE TYPE "onboarding_step_name" AS ENUM ('link_issued', 'consent_received', 'access_verified', 'prerequisites_checked', 'policy_applied', 'verified');

-- CreateEnum
CREATE TYPE "step_status" AS ENUM ('pending', 'running', 'succeeded', 'failed', 'skipped');

-- CreateEnum
CREATE TYPE "check_run_kind" AS ENUM ('onboard', 'apply', 'check', 'offboard');

-- CreateEnum
CREATE TYPE "check_trigger" AS ENUM ('schedule', 'staff', 'onboarding', 'rollout', 'system');

-- CreateEnum
CREATE TYPE "check_outcome" AS ENUM ('compliant', 'drifted', 'remediated', 'unknown', 'access_lost', 'removed', 'skipped', 'failed', 'offboarded');

-- CreateEnum
CREATE TYPE "actor_type" AS ENUM ('staff', 'system', 'customer_admin');

-- CreateEnum
CREATE TYPE "rollout_status" AS ENUM ('running', 'completed', 'failed', 'cancelled');

-- CreateEnum
CREATE TYPE "webhook_format" AS ENUM ('json', 'teams', 'slack');

-- CreateEnum
CREATE TYPE "delivery_status" AS ENUM ('pending', 'delivered', 'failed');

-- CreateTable
CREATE TABLE "customers" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "notes" TEXT,
    "contacts" JSONB NOT NULL DEFAULT '[]',
    "expected_tenant_id" UUID,
    "expected_domain" TEXT,
    "tenant_id" UUID,
    "tenant_id_hint" TEXT,
    "tenant_display_name" TEXT,
    "verified_domains" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "licence" "licence" NOT NULL DEFAULT 'unknown',
    "onboarding_state" "onboarding_state" NOT NULL DEFAULT 'not_started',
    "compliance_state" "compliance_state" NOT NULL DEFAULT 'pending',
    "compliance_changed_at" TIMESTAMPTZ(3),
    "mode" "customer_mode",
    "check_interval_seconds" INTEGER,
    "next_check_at" TIMESTAMPTZ(3),
    "last_check_at" TIMESTAMPTZ(3),
    "last_check_run_id" UUID,
    "consecutive_failures" INTEGER NOT NULL DEFAULT 0,
    "backoff_until" TIMESTAMPTZ(3),
    "last_failure_reason" TEXT,
    "compliant_policy_version" INTEGER,
    "current_diff" JSONB,
    "last_observed_hash" TEXT,
    "last_observed_snapshot" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "offboarded_at" TIMESTAMPTZ(3),
    "version" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "customers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "consent_links" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "customer_id" UUID NOT NULL,
    "token_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    "created_by" TEXT,

    CONSTRAINT "consent_links_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "consent_states" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "state_hash" TEXT NOT NULL,
    "consent_link_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),

    CONSTRAINT "consent_states_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "onboarding_steps" (
    "customer_id" UUID NOT NULL,
    "step" "onboarding_step_name" NOT NULL,
    "status" "step_status" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "message" TEXT,
    "detail" JSONB,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "onboarding_steps_pkey" PRIMARY KEY ("customer_id","step")
);

-- CreateTable
CREATE TABLE "check_runs" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "customer_id" UUID NOT NULL,
    "kind" "check_run_kind" NOT NULL,
    "trigger" "check_trigger" NOT NULL,
    "outcome" "check_outcome",
    "policy_version" INTEGER,
    "diff" JSONB,
    "observed_snapshot" JSONB,
    "observed_hash" TEXT,
    "before" JSONB,
    "after" JSONB,
    "error_code" TEXT,
    "error_message" TEXT,
    "graph_request_id" TEXT,
    "duration_ms" INTEGER,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    "actor" TEXT,

    CONSTRAINT "check_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "accepted_deviations" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "customer_id" UUID NOT NULL,
    "field" TEXT NOT NULL,
    "accepted_value" JSONB NOT NULL,
    "reason" TEXT NOT NULL,
    "owner" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_at" TIMESTAMPTZ(3),
    "revoked_by" TEXT,

    CONSTRAINT "accepted_deviations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "policy_versions" (
    "version" INTEGER NOT NULL,
    "definition" JSONB NOT NULL,
    "published_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "published_by" TEXT NOT NULL,
    "notes" TEXT,

    CONSTRAINT "policy_versions_pkey" PRIMARY KEY ("version")
);

-- CreateTable
CREATE TABLE "policy_rollouts" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "version" INTEGER NOT NULL,
    "status" "rollout_status" NOT NULL DEFAULT 'running',
    "total" INTEGER NOT NULL DEFAULT 0,
    "done" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    "started_by" TEXT,

    CONSTRAINT "policy_rollouts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_events" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor_type" "actor_type" NOT NULL,
    "actor_id" TEXT,
    "actor_name" TEXT,
    "action" TEXT NOT NULL,
    "customer_id" UUID,
    "entity_type" TEXT,
    "entity_id" TEXT,
    "before" JSONB,
    "after" JSONB,
    "request_id" TEXT,
    "ip" TEXT,

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notification_events" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "customer_id" UUID,
    "event_type" TEXT NOT NULL,
    "dedupe_key" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "notification_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_endpoints" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "format" "webhook_format" NOT NULL DEFAULT 'json',
    "secret" TEXT NOT NULL,
    "events" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_by" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "webhook_endpoints_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_deliveries" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "endpoint_id" UUID NOT NULL,
    "event_id" UUID,
    "event_type" TEXT NOT NULL,
    "customer_id" UUID,
    "payload" JSONB NOT NULL,
    "status" "delivery_status" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_status_code" INTEGER,
    "last_error" TEXT,
    "next_attempt_at" TIMESTAMPTZ(3) DEFAULT CURRENT_TIMESTAMP,
    "delivered_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "staff_sessions" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "token_hash" TEXT NOT NULL,
    "user_oid" TEXT NOT NULL,
    "tenant_id" TEXT,
    "name" TEXT,
    "email" TEXT,
    "roles" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "csrf_secret" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "staff_sessions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "customers_tenant_id_key" ON "customers"("tenant_id");

-- CreateIndex
CREATE UNIQUE INDEX "customers_last_check_run_id_key" ON "customers"("last_check_run_id");

-- CreateIndex
CREATE INDEX "customers_onboarding_state_idx" ON "customers"("onboarding_state");

-- CreateIndex
CREATE INDEX "customers_compliance_state_idx" ON "customers"("compliance_state");

-- CreateIndex
CREATE INDEX "customers_mode_idx" ON "customers"("mode");

-- CreateIndex
CREATE INDEX "customers_onboarding_state_next_check_at_idx" ON "customers"("onboarding_state", "next_check_at");

-- CreateIndex
CREATE INDEX "customers_name_trgm_idx" ON "customers" USING GIN ("name" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "customers_created_at_id_idx" ON "customers"("created_at", "id");

-- CreateIndex
CREATE INDEX "customers_name_id_idx" ON "customers"("name", "id");

-- CreateIndex
CREATE UNIQUE INDEX "consent_links_token_hash_key" ON "consent_links"("token_hash");

-- CreateIndex
CREATE INDEX "consent_links_customer_id_created_at_idx" ON "consent_links"("customer_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "consent_links_expires_at_idx" ON "consent_links"("expires_at");

-- CreateIndex
CREATE UNIQUE INDEX "consent_states_state_hash_key" ON "consent_states"("state_hash");

-- CreateIndex
CREATE INDEX "consent_states_consent_link_id_idx" ON "consent_states"("consent_link_id");

-- CreateIndex
CREATE INDEX "onboarding_steps_step_status_idx" ON "onboarding_steps"("step", "status");

-- CreateIndex
CREATE INDEX "check_runs_customer_id_started_at_idx" ON "check_runs"("customer_id", "started_at" DESC);

-- CreateIndex
CREATE INDEX "check_runs_started_at_idx" ON "check_runs"("started_at" DESC);

-- CreateIndex
CREATE INDEX "accepted_deviations_customer_id_field_idx" ON "accepted_deviations"("customer_id", "field");

-- CreateIndex
CREATE INDEX "accepted_deviations_expires_at_idx" ON "accepted_deviations"("expires_at");

-- CreateIndex
CREATE INDEX "policy_rollouts_version_idx" ON "policy_rollouts"("version");

-- CreateIndex
CREATE INDEX "policy_rollouts_status_idx" ON "policy_rollouts"("status");

-- CreateIndex
CREATE INDEX "audit_events_customer_id_at_idx" ON "audit_events"("customer_id", "at" DESC);

-- CreateIndex
CREATE INDEX "audit_events_at_idx" ON "audit_events"("at" DESC);

-- CreateIndex
CREATE INDEX "audit_events_action_idx" ON "audit_events"("action");

-- CreateIndex
CREATE UNIQUE INDEX "notification_events_dedupe_key_key" ON "notification_events"("dedupe_key");

-- CreateIndex
CREATE INDEX "notification_events_customer_id_created_at_idx" ON "notification_events"("customer_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "webhook_deliveries_status_next_attempt_at_idx" ON "webhook_deliveries"("status", "next_attempt_at");

-- CreateIndex
CREATE INDEX "webhook_deliveries_endpoint_id_created_at_idx" ON "webhook_deliveries"("endpoint_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "webhook_deliveries_event_id_idx" ON "webhook_deliveries"("event_id");

-- CreateIndex
CREATE INDEX "webhook_deliveries_customer_id_idx" ON "webhook_deliveries"("customer_id");

-- CreateIndex
CREATE UNIQUE INDEX "webhook_deliveries_endpoint_id_event_id_key" ON "webhook_deliveries"("endpoint_id", "event_id");

-- CreateIndex
CREATE UNIQUE INDEX "staff_sessions_token_hash_key" ON "staff_sessions"("token_hash");

-- CreateIndex
CREATE INDEX "staff_sessions_user_oid_idx" ON "staff_sessions"("user_oid");

-- CreateIndex
CREATE INDEX "staff_sessions_expires_at_idx" ON "staff_sessions"("expires_at");

-- AddForeignKey
ALTER TABLE "customers" ADD CONSTRAINT "customers_last_check_run_id_fkey" FOREIGN KEY ("last_check_run_id") REFERENCES "check_runs"("id") ON DELETE SET NULL ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "consent_links" ADD CONSTRAINT "consent_links_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "consent_states" ADD CONSTRAINT "consent_states_consent_link_id_fkey" FOREIGN KEY ("consent_link_id") REFERENCES "consent_links"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "onboarding_steps" ADD CONSTRAINT "onboarding_steps_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "check_runs" ADD CONSTRAINT "check_runs_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "accepted_deviations" ADD CONSTRAINT "accepted_deviations_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "policy_rollouts" ADD CONSTRAINT "policy_rollouts_version_fkey" FOREIGN KEY ("version") REFERENCES "policy_versions"("version") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notification_events" ADD CONSTRAINT "notification_events_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_endpoint_id_fkey" FOREIGN KEY ("endpoint_id") REFERENCES "webhook_endpoints"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_event_id_fkey" FOREIGN KEY ("event_id") REFERENCES "notification_events"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE CASCADE ON UPDATE CASCADE;
