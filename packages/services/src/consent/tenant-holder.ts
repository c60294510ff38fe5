import type { Tx } from '@crosstrust/db'

/**
 * The live customer (not offboarded) other than `customerId` that holds `tenantId`: bound to it, expecting it,
 * or confirmed for it by an Operator. One query for every place that must keep one customer per tenant.
 */
export async function tenantHolder(
  db: Pick<Tx, 'customer'>,
  tenantId: string,
  customerId: string | null,
): Promise<{ id: string; name: string } | null> {
  return db.customer.findFirst({
    where: {
      ...(customerId === null ? {} : { id: { not: customerId } }),
      onboardingState: { not: 'offboarded' },
      OR: [{ tenantId }, { expectedTenantId: tenantId }, { confirmedTenantId: tenantId }],
    },
    select: { id: true, name: true },
  })
}
