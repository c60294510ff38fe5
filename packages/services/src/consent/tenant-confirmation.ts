// A first-time tenant (the customer was created without a domain or tenant ID) is bound only after an
// Operator confirms that the tenant that consented is this customer. Until then nothing is written to it.
import { ConflictError } from '@crosstrust/core'
import { recordAudit } from '../audit.ts'
import type { Actor, ServiceContext } from '../context.ts'
import { requireCustomer } from '../customers.ts'
import { moveSteps, statusOf } from '../onboarding-steps.ts'
import { tenantHolder } from './tenant-holder.ts'

export interface PendingTenantConfirmation {
  customerId: string
  customerName: string
  tenantId: string
  tenantDisplayName: string | null
  verifiedDomains: string[]
  /** Who signed in and consented, from the verified ID token. */
  consentedBy: { name: string | null; username: string | null }
  consentedAt: Date | null
}

const text = (v: unknown): string | null => (typeof v === 'string' ? v : null)

/** What the Operator is asked to confirm, or null when the customer is not waiting for a confirmation. */
export async function pendingTenantConfirmation(
  ctx: ServiceContext,
  customerId: string,
): Promise<PendingTenantConfirmation | null> {
  const customer = await requireCustomer(ctx, customerId)
  if (customer.onboardingState !== 'awaiting_confirmation' || customer.consentedTenantId === null) return null
  const consent = await ctx.db.onboardingStep.findUnique({
    where: { customerId_step: { customerId, step: 'consent_received' } },
    select: { detail: true, finishedAt: true },
  })
  const detail = (consent?.detail ?? {}) as { admin?: { name?: unknown; username?: unknown } }
  return {
    customerId,
    customerName: customer.name,
    tenantId: customer.consentedTenantId,
    tenantDisplayName: customer.tenantDisplayName,
    verifiedDomains: customer.verifiedDomains,
    consentedBy: { name: text(detail.admin?.name), username: text(detail.admin?.username) },
    consentedAt: consent?.finishedAt ?? null,
  }
}

/** The Operator says yes: the tenant is this customer's; onboarding resumes (a new job, enqueued after commit). */
export async function confirmTenant(
  ctx: ServiceContext,
  customerId: string,
  tenantId: string,
  actor: Actor,
): Promise<{ tenantId: string; confirmedAt: Date }> {
  const pending = await pendingTenantConfirmation(ctx, customerId)
  if (pending === null) {
    throw new ConflictError('This customer is not waiting for a tenant confirmation.', {
      code: 'no_confirmation_pending',
    })
  }
  // The Operator confirms what they saw: if another consent changed the tenant meanwhile, nothing is bound.
  if (pending.tenantId !== tenantId.toLowerCase()) {
    throw new ConflictError('The consenting tenant changed since the page was loaded; review it again.', {
      code: 'tenant_changed',
    })
  }
  const now = ctx.now()
  await ctx.db.$transaction(async (tx) => {
    const holder = await tenantHolder(tx, tenantId, customerId)
    if (holder) {
      throw new ConflictError('Another customer already holds this tenant.', { code: 'tenant_taken' })
    }
    await tx.customer.update({
      where: { id: customerId },
      data: {
        confirmedTenantId: tenantId,
        tenantConfirmedBy: actor.name ?? actor.id ?? actor.type,
        tenantConfirmedAt: now,
      },
    })
    await recordAudit(tx, actor, {
      action: 'onboarding.tenant_confirmed',
      customerId,
      after: {
        tenantId,
        tenantDisplayName: pending.tenantDisplayName,
        verifiedDomains: pending.verifiedDomains,
      },
    })
  })
  const consent = await ctx.db.onboardingStep.findUnique({
    where: { customerId_step: { customerId, step: 'consent_received' } },
    select: { finishedAt: true },
  })
  await ctx.enqueue('onboard', {
    customerId,
    consentReceivedAt: (consent?.finishedAt ?? now).toISOString(),
    tenantConfirmedAt: now.toISOString(),
  })
  return { tenantId, confirmedAt: now }
}

/** The Operator says no: this tenant is not the customer's. The step fails; a new link is needed. */
export async function rejectTenant(
  ctx: ServiceContext,
  customerId: string,
  tenantId: string,
  actor: Actor,
): Promise<void> {
  const pending = await pendingTenantConfirmation(ctx, customerId)
  if (pending === null || pending.tenantId !== tenantId.toLowerCase()) {
    throw new ConflictError('This customer is not waiting for a confirmation of that tenant.', {
      code: 'no_confirmation_pending',
    })
  }
  const now = ctx.now()
  const message = `An Operator did not confirm tenant ${tenantId} as this customer's tenant. Send a new consent link to the right administrator.`
  await ctx.db.$transaction(async (tx) => {
    await moveSteps(
      tx,
      customerId,
      (steps) =>
        statusOf(steps, 'tenant_confirmed') === 'pending'
          ? [{ step: 'tenant_confirmed', to: 'failed', message }]
          : [],
      now,
      { consentedTenantId: null, lastFailureReason: message },
    )
    await recordAudit(tx, actor, { action: 'onboarding.tenant_rejected', customerId, after: { tenantId } })
  })
}
