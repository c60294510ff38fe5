import { createWebhookTransport, deliverWebhook, requeueOverdueDeliveries } from '@crosstrust/services'
import type { WorkerDeps } from '../deps.ts'
import { jobLog, type Processor } from '../registry.ts'
import { deliverySettings } from '../settings.ts'

/**
 * Schedules attempt `attempt` of a delivery as a delayed job with its own id: the job that just ran keeps
 * `notify-<deliveryId>`, so a retry cannot reuse it, and attempt-numbered ids make a duplicate schedule
 * (e.g. the overdue-delivery sweep racing a retry) collapse into one job.
 */
export function scheduleDelivery(deps: Pick<WorkerDeps, 'queues'>) {
  return async (deliveryId: string, attempt: number, delayMs = 0): Promise<void> => {
    await deps.queues.enqueue(
      'notify',
      { deliveryId },
      { jobId: `notify-${deliveryId}-a${attempt}`, delay: delayMs },
    )
  }
}

/** The `notify` job: one attempt at one webhook delivery (retries are scheduled by the service). */
export function notifyProcessor(
  deps: Pick<WorkerDeps, 'config' | 'db' | 'queues' | 'notifications'>,
): Processor<'notify'> {
  const settings = deliverySettings(deps)
  const retryLater = scheduleDelivery(deps)
  // One transport per worker process (keep-alive connections are shared by all notify jobs); it refuses
  // every address outside the public internet and the ranges the deployment opened.
  const transport = createWebhookTransport({
    allowedPrivateNetworks: deps.config.WEBHOOK_ALLOWED_PRIVATE_NETWORKS,
  })
  return (payload, job) =>
    deliverWebhook(
      {
        db: deps.db,
        now: () => new Date(),
        settings,
        retryLater,
        transport,
        log: jobLog(job),
      },
      payload.deliveryId,
    )
}

/**
 * For the scheduler sweep: re-enqueues pending deliveries whose job was lost (Redis flushed, enqueue failed
 * after commit). The id carries the minute, so a rescue is not swallowed by a finished job's id; the claim
 * in `deliverWebhook` keeps a duplicate from sending twice.
 */
export function requeueOverdueNotifications(
  deps: Pick<WorkerDeps, 'db' | 'queues'>,
  now: Date,
): Promise<number> {
  const minute = Math.floor(now.getTime() / 60_000)
  return requeueOverdueDeliveries(deps.db, now, async (deliveryId, attempt) => {
    await deps.queues.enqueue(
      'notify',
      { deliveryId },
      { jobId: `notify-${deliveryId}-a${attempt}-r${minute}` },
    )
  })
}
