-- Staff list: keyset sorts by last check and by compliance change; free-text search over domains.
-- CreateIndex
CREATE INDEX "customers_last_check_at_id_idx" ON "customers"("last_check_at", "id");

-- CreateIndex
CREATE INDEX "customers_compliance_changed_at_id_idx" ON "customers"("compliance_changed_at", "id");

-- CreateIndex
CREATE INDEX "customers_expected_domain_trgm_idx" ON "customers" USING GIN ("expected_domain" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "customers_verified_domains_idx" ON "customers" USING GIN ("verified_domains");

-- CreateIndex
CREATE INDEX "customers_expected_tenant_id_idx" ON "customers"("expected_tenant_id");
