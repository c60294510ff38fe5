import { requeueOverdueAttributions } from '@crosstrust/services'
import type { WorkerDeps } from '../deps.ts'
import type { Processor } from '../registry.ts'
import type { MonitoringWorkerSettings } from '../settings.ts'
import { runSweep } from '../sweep.ts'
import type { TenantLockRuntime } from '../tenant-jobs.ts'
import { enqueueConsentReminders } from './email.ts'
import { enqueueLinkCleanup } from './link-cleanup.ts'
import { requeueOverdueNotifications } from './notify.ts'

/**
 * The `sweep` job (one BullMQ job scheduler for all worker processes): enqueues due checks, lost onboarding
 * and offboarding jobs, webhook deliveries whose notify job was lost, overdue attribution lookups, and the
 * hour's consent-link cleanup and reminders; and deletes the tenant locks of holders that crashed (bounded
 * per run, see tenant-lock.ts).
 */
export function sweepProcessor(
  deps: Pick<WorkerDeps, 'config' | 'db' | 'queues'>,
  settings: MonitoringWorkerSettings,
  locks: Pick<TenantLockRuntime, 'lock'>,
): Processor<'sweep'> {
  return async (_payload, job) => {
    const now = new Date()
    const result = await runSweep(deps.db, deps.queues, settings, now)
    const notifications = await requeueOverdueNotifications(deps, now)
    const attributions = await requeueOverdueAttributions({
      db: deps.db,
      now: () => now,
      enqueue: (kind, payload, options) =>
        deps.queues.enqueue(kind, payload, options?.delayMs === undefined ? {} : { delay: options.delayMs }),
    })
    await enqueueLinkCleanup(deps, now)
    const reminders = await enqueueConsentReminders(deps, now)
    const expiredLocks = await (await locks.lock()).sweepExpired()
    job.logger.info({ ...result, notifications, attributions, reminders, expiredLocks }, 'sweep done')
    return { ...result, notifications, attributions, reminders, expiredLocks }
  }
}
