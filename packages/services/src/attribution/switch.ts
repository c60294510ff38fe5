import { ConflictError, NotFoundError } from '@crosstrust/core'
import { z } from 'zod'
import { recordAudit } from '../audit.ts'
import type { Actor, ServiceContext } from '../context.ts'

/**
 * Staff switch drift attribution on or off for one customer (audited). On: checks that find drift read the
 * tenant's directory audit log; a tenant whose consent lacks the audit-log permissions shows
 * `not_enabled` until its administrator consents through a fresh link (which lists them as new).
 */
export async function setAttributionEnabled(
  ctx: ServiceContext,
  customerId: string,
  enabled: boolean,
  actor: Actor,
): Promise<{ customerId: string; attributionEnabled: boolean }> {
  if (!z.uuid().safeParse(customerId).success) throw new NotFoundError(`No customer ${customerId}.`)
  const customer = await ctx.db.customer.findUnique({
    where: { id: customerId },
    select: { attributionEnabled: true, onboardingState: true },
  })
  if (!customer) throw new NotFoundError(`No customer ${customerId}.`)
  if (customer.onboardingState === 'offboarded')
    throw new ConflictError('The customer is offboarded.', { code: 'offboarded' })
  if (customer.attributionEnabled !== enabled) {
    await ctx.db.$transaction(async (tx) => {
      await tx.customer.update({
        where: { id: customerId },
        data: { attributionEnabled: enabled, version: { increment: 1 } },
      })
      await recordAudit(tx, actor, {
        action: enabled ? 'customer.attribution_enabled' : 'customer.attribution_disabled',
        customerId,
        before: { attributionEnabled: customer.attributionEnabled },
        after: { attributionEnabled: enabled },
      })
    })
  }
  return { customerId, attributionEnabled: enabled }
}
