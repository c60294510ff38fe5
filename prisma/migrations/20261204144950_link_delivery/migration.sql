-- How each consent and status link reached the customer. Only a link staff issue on purpose (`staff`)
-- revokes the customer's earlier links; the mail and the consent result page add one, because they cannot
-- know which link the customer is holding.
CREATE TYPE "link_delivery" AS ENUM ('staff', 'result_page', 'email');

-- Existing rows are told apart by what handed them out: a mail records the link it carried, the consent
-- result page records its attempt on the status link; everything else was issued by staff.
ALTER TABLE "consent_links" ADD COLUMN "delivery" "link_delivery";
UPDATE "consent_links" l SET "delivery" = CASE
  WHEN EXISTS (SELECT 1 FROM "email_deliveries" e WHERE e."consent_link_id" = l."id") THEN 'email'::"link_delivery"
  ELSE 'staff'::"link_delivery"
END;
ALTER TABLE "consent_links" ALTER COLUMN "delivery" SET NOT NULL;

ALTER TABLE "status_links" ADD COLUMN "delivery" "link_delivery";
UPDATE "status_links" l SET "delivery" = CASE
  WHEN l."consent_state_id" IS NOT NULL THEN 'result_page'::"link_delivery"
  WHEN EXISTS (SELECT 1 FROM "email_deliveries" e WHERE e."status_link_id" = l."id") THEN 'email'::"link_delivery"
  ELSE 'staff'::"link_delivery"
END;
ALTER TABLE "status_links" ALTER COLUMN "delivery" SET NOT NULL;
