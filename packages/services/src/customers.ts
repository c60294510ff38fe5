import {
  ConflictError,
  NotFoundError,
  tenantEligibility,
  UnprocessableError,
  type TenantDiscoveryFacts,
} from '@crosstrust/core'
import { isUniqueViolation } from '@crosstrust/db'
import { UnknownTenantError } from '@crosstrust/microsoft'
import { z } from 'zod'
import { recordAudit } from './audit.ts'
import type { Actor, ServiceContext } from './context.ts'
import { createSteps } from './onboarding-steps.ts'
import { tenantHolder } from './consent/tenant-holder.ts'
import { contactSchema, customerView, type CustomerView } from './staff/customer-view.ts'

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const DOMAIN = /^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/i

export { contactSchema }

export const createCustomerInput = z
  .object({
    name: z.string().trim().min(1, 'name is required').max(200),
    /** A tenant ID (GUID) or one of the tenant's verified domains. */
    tenant: z
      .string()
      .trim()
      .max(253)
      .refine((v) => GUID.test(v) || DOMAIN.test(v), 'must be a tenant ID (GUID) or a domain name')
      .optional(),
    contacts: z.array(contactSchema).max(20).default([]),
    notes: z.string().max(4000).optional(),
    mode: z.enum(['report', 'alert', 'remediate']).optional(),
    checkIntervalSeconds: z
      .number()
      .int()
      .min(300)
      .max(7 * 24 * 3600)
      .optional(),
  })
  .strict()
export type CreateCustomerInput = z.input<typeof createCustomerInput>

/**
 * Domain → tenant ID through OpenID discovery (public information: a lookup, never authorization), with the
 * tenant's cloud when discovery names it.
 */
export type TenantResolver = (domainOrId: string) => Promise<TenantDiscoveryFacts>

export class UnknownTenantLookupError extends Error {}

export async function createCustomer(
  ctx: ServiceContext,
  resolveTenant: TenantResolver,
  rawInput: CreateCustomerInput,
  actor: Actor,
): Promise<CustomerView> {
  const input = createCustomerInput.parse(rawInput)
  let expectedTenantId: string | null = null
  let expectedDomain: string | null = null
  if (input.tenant !== undefined) {
    const isGuid = GUID.test(input.tenant)
    if (!isGuid) expectedDomain = input.tenant.toLowerCase()
    let resolved: TenantDiscoveryFacts
    try {
      resolved = await resolveTenant(input.tenant)
    } catch (err) {
      if (err instanceof UnknownTenantError || err instanceof UnknownTenantLookupError) {
        throw new UnprocessableError(`Microsoft knows no tenant for "${input.tenant}".`, {
          code: 'unknown_tenant',
          extensions: { tenant: input.tenant },
        })
      }
      throw err
    }
    expectedTenantId = resolved.tenantId.toLowerCase()
    // Permanent: no consent or retry can onboard the consumer tenant or a tenant of another cloud.
    const eligibility = tenantEligibility(resolved)
    if (!eligibility.eligible) {
      throw new UnprocessableError(eligibility.reason, {
        code: eligibility.code,
        extensions: { tenant: input.tenant, tenantId: expectedTenantId },
      })
    }
  }
  if (expectedTenantId) {
    const owner = await tenantHolder(ctx.db, expectedTenantId, null)
    if (owner) {
      throw new ConflictError(`Tenant ${expectedTenantId} already belongs to customer "${owner.name}".`, {
        code: 'tenant_taken',
        extensions: { customerId: owner.id },
      })
    }
  }
  try {
    return await ctx.db.$transaction(async (tx) => {
      const customer = await tx.customer.create({
        data: {
          name: input.name,
          notes: input.notes ?? null,
          contacts: input.contacts,
          expectedTenantId,
          expectedDomain,
          mode: input.mode ?? null,
          checkIntervalSeconds: input.checkIntervalSeconds ?? null,
        },
      })
      await createSteps(tx, customer.id)
      await recordAudit(tx, actor, {
        action: 'customer.created',
        customerId: customer.id,
        after: { name: customer.name, expectedTenantId, expectedDomain, mode: customer.mode },
      })
      return customerView(customer)
    })
  } catch (err) {
    if (isUniqueViolation(err))
      throw new ConflictError('A customer with this tenant already exists.', { code: 'tenant_taken' })
    throw err
  }
}

export async function requireCustomer(ctx: Pick<ServiceContext, 'db'>, id: string): Promise<CustomerView> {
  const customer = z.uuid().safeParse(id).success ? await ctx.db.customer.findUnique({ where: { id } }) : null
  if (!customer) throw new NotFoundError(`No customer ${id}.`, { code: 'customer_not_found' })
  return customerView(customer)
}
