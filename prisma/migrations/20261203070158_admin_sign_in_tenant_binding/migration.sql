-- The consenting tenant is bound only by evidence Microsoft signs: the admin's ID token (`tid`), obtained by an
-- OpenID Connect sign-in before admin consent. The callback's `tenant` parameter no longer binds anything, so
-- its column goes. A first-time tenant waits for an Operator's confirmation (new step and states).
CREATE TYPE "consent_phase" AS ENUM ('sign_in', 'consent');

ALTER TYPE "onboarding_state" ADD VALUE 'awaiting_confirmation' BEFORE 'policy_applied';
ALTER TYPE "onboarding_state" ADD VALUE 'tenant_confirmed' BEFORE 'policy_applied';
ALTER TYPE "onboarding_step_name" ADD VALUE 'tenant_confirmed' BEFORE 'policy_applied';

-- States issued before this migration carry no browser binding: the empty hash matches no cookie, so they can
-- no longer complete anything (the admin starts again from the link).
ALTER TABLE "consent_states" ADD COLUMN "browser_hash" TEXT NOT NULL DEFAULT '',
ADD COLUMN "code_verifier" TEXT,
ADD COLUMN "nonce" TEXT,
ADD COLUMN "phase" "consent_phase" NOT NULL DEFAULT 'sign_in',
ADD COLUMN "signed_in_at" TIMESTAMPTZ(3),
ADD COLUMN "signed_in_name" TEXT,
ADD COLUMN "signed_in_oid" TEXT,
ADD COLUMN "signed_in_tenant_id" UUID,
ADD COLUMN "signed_in_username" TEXT;
ALTER TABLE "consent_states" ALTER COLUMN "browser_hash" DROP DEFAULT;

ALTER TABLE "customers" DROP COLUMN "tenant_id_hint",
ADD COLUMN "confirmed_tenant_id" UUID,
ADD COLUMN "consented_tenant_id" UUID,
ADD COLUMN "tenant_confirmed_at" TIMESTAMPTZ(3),
ADD COLUMN "tenant_confirmed_by" TEXT;
