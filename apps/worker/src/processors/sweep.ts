import type { WorkerDeps } from '../deps.ts'
import type { Processor } from '../registry.ts'
import type { MonitoringWorkerSettings } from '../settings.ts'
import { runSweep } from '../sweep.ts'
import { requeueOverdueNotifications } from './notify.ts'

/**
 * The `sweep` job (one BullMQ job scheduler for all worker processes): enqueues due checks, lost onboarding
 * and offboarding jobs, and webhook deliveries whose notify job was lost.
 */
export function sweepProcessor(
  deps: Pick<WorkerDeps, 'db' | 'queues'>,
  settings: MonitoringWorkerSettings,
): Processor<'sweep'> {
  return async (_payload, job) => {
    const now = new Date()
    const result = await runSweep(deps.db, deps.queues, settings, now)
    const notifications = await requeueOverdueNotifications(deps, now)
    job.logger.info({ ...result, notifications }, 'sweep done')
    return { ...result, notifications }
  }
}
