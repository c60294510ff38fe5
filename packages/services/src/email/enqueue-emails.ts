import type { Enqueue } from '../context.ts'

/**
 * Enqueues one `email` job per delivery id after the commit that created them (job id `email-<deliveryId>`,
 * so twice is harmless). For callers whose own work already committed: a Redis error is logged, not thrown;
 * the mail stays `pending` in the customer's delivery log.
 */
export async function enqueueEmailsSafely(
  enqueue: Enqueue,
  deliveryIds: readonly string[],
  log?: (msg: string, fields?: Record<string, unknown>) => void,
): Promise<void> {
  try {
    for (const deliveryId of deliveryIds) await enqueue('email', { deliveryId })
  } catch (err) {
    log?.('could not enqueue emails; they stay pending', {
      deliveries: deliveryIds.length,
      error: err instanceof Error ? err.message : String(err),
    })
  }
}
