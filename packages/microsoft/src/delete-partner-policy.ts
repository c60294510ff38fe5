// DELETE of the partner entry, retrying the 404 Graph may answer right after a create.
import { sleepAtLeast } from './backoff.ts'
import type { CallOptions, GraphGateway } from './graph-gateway.ts'
import { DEFAULT_LAG_RETRY, type LagRetry } from './lag-retry.ts'

export interface DeletePartnerPolicyResult {
  /** `absent`: every DELETE answered 404, so there was nothing to delete. */
  outcome: 'deleted' | 'absent'
  /** DELETEs sent (more than one when 404 was retried). */
  attempts: number
  requestIds: string[]
}

/**
 * DELETE of the partner entry. Right after a create, Graph may answer 404 for an entry that exists (the
 * replica serving the write has not seen it yet), so a 404 is retried with backoff before it counts as
 * "absent". A caller then verifies with reads (readBackUntil), which may lag too.
 */
export async function deletePartnerPolicy(
  gateway: Pick<GraphGateway, 'deletePartner'>,
  tenantId: string,
  partnerTenantId: string,
  options: { lagRetry?: LagRetry; call?: CallOptions } = {},
): Promise<DeletePartnerPolicyResult> {
  const lag = options.lagRetry ?? DEFAULT_LAG_RETRY
  const requestIds: string[] = []
  for (let attempt = 1; ; attempt += 1) {
    const removed = await gateway.deletePartner(tenantId, partnerTenantId, options.call)
    if (removed.requestId !== undefined) requestIds.push(removed.requestId)
    if (removed.value === 'deleted' || attempt >= lag.attempts) {
      return { outcome: removed.value, attempts: attempt, requestIds }
    }
    await sleepAtLeast(lag.delayMs * 2 ** (attempt - 1))
  }
}
