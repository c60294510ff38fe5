// Self-service removal from the status page: a signed-in admin of the customer's own tenant who holds a role
// allowed to manage cross-tenant access settings (core's `mayRemovePartnerConfiguration`, from the signed
// `wids` only) asks us to take our partner configuration out. It reuses the offboard job (delete, verify
// gone, stop the checks); who asked is stored with the request (`offboarded_by = customer`), never inferred.
import { mayRemovePartnerConfiguration } from '@crosstrust/core'
import { recordAudit } from '../audit.ts'
import { beginOffboarding } from '../monitoring/begin-offboarding.ts'
import type { Actor, ServiceContext } from '../context.ts'
import { findStatusSession, statusCsrfValid } from './session.ts'

export type RemovalResult =
  | { kind: 'no_session' | 'link_revoked' | 'bad_form' }
  | { kind: 'not_allowed'; explanation: string }
  | { kind: 'already_removed' }
  | { kind: 'queued' }

/** The admin confirmed the removal (POST with the session cookie, the form token and the confirmation). */
export async function removeByCustomer(
  ctx: ServiceContext,
  input: { sessionSecret: string | undefined; formToken: unknown; confirmed: boolean },
  actor: Actor,
): Promise<RemovalResult> {
  const found = await findStatusSession(ctx, input.sessionSecret)
  if (found.status === 'link_revoked') return { kind: 'link_revoked' }
  if (found.status !== 'active' || input.sessionSecret === undefined) return { kind: 'no_session' }
  if (!statusCsrfValid(input.sessionSecret, input.formToken) || !input.confirmed) return { kind: 'bad_form' }
  const { session } = found
  const permission = mayRemovePartnerConfiguration(session.directoryRoles)
  const admin = session.username ?? session.name ?? session.oid
  const adminActor: Actor = { ...actor, type: 'customer_admin', id: session.oid, name: admin }
  const identity = { upn: session.username, oid: session.oid, tenantId: session.tenantId }
  if (!permission.allowed) {
    await ctx.db.$transaction((tx) =>
      recordAudit(tx, adminActor, {
        action: 'status_page.removal_refused',
        customerId: session.customerId,
        after: { ...identity, reason: permission.reason },
      }),
    )
    return { kind: 'not_allowed', explanation: permission.explanation }
  }
  const now = ctx.now()
  const moved = await ctx.db.$transaction(async (tx): Promise<'moved' | 'no_session' | 'already_removed'> => {
    const customer = await tx.customer.findUniqueOrThrow({
      where: { id: session.customerId },
      select: { onboardingState: true, tenantId: true },
    })
    // The session was opened for this tenant; a customer re-bound since then is not this admin's to remove
    // (and not "already removed" either: the session no longer counts).
    if (customer.tenantId?.toLowerCase() !== session.tenantId.toLowerCase()) return 'no_session'
    if (customer.onboardingState === 'offboarding' || customer.onboardingState === 'offboarded')
      return 'already_removed'
    await beginOffboarding(tx, session.customerId, customer.onboardingState, { by: 'customer', admin })
    await recordAudit(tx, adminActor, {
      action: 'customer.removal_requested_by_customer',
      customerId: session.customerId,
      before: { onboardingState: customer.onboardingState },
      after: {
        onboardingState: 'offboarding',
        offboardedBy: 'customer',
        admin: identity,
        role: permission.role,
      },
    })
    return 'moved'
  })
  if (moved !== 'moved') return { kind: moved }
  await ctx.enqueue('offboard', {
    customerId: session.customerId,
    requestedAt: now.toISOString(),
    actor: `customer_admin:${admin}`,
  })
  return { kind: 'queued' }
}
