import { ConflictError, type OnboardingState } from '@crosstrust/core'
import type { Tx } from '@crosstrust/db'

/** Who asked for the partner configuration to be removed: our staff, or the customer's administrator (UPN). */
export type OffboardRequester = { by: 'partner' } | { by: 'customer'; admin: string }

/**
 * Moves a customer into `offboarding` (checks stop; the `offboard` job, enqueued after the commit, deletes our
 * entry) and records who asked. Only from the state the caller read: a customer that changed meanwhile is
 * a conflict, never overwritten. Staff offboarding and the customer's self-service removal both come here,
 * so the two cannot drift apart.
 */
export async function beginOffboarding(
  tx: Tx,
  customerId: string,
  from: OnboardingState,
  requester: OffboardRequester,
): Promise<void> {
  const moved = await tx.customer.updateMany({
    where: { id: customerId, onboardingState: from },
    data: {
      onboardingState: 'offboarding',
      offboardedBy: requester.by,
      offboardedByAdmin: requester.by === 'customer' ? requester.admin : null,
      nextCheckAt: null,
      version: { increment: 1 },
    },
  })
  if (moved.count !== 1) throw new ConflictError('The customer changed meanwhile; try again.')
}
