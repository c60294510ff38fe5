import type { JobPayload } from '@crosstrust/jobs'
import type { MonitoringDeps, ServiceContext } from '@crosstrust/services'
import type { WorkerDeps } from '../deps.ts'
import { jobLog, type JobContext, type Processor } from '../registry.ts'
import type { MonitoringWorkerSettings } from '../settings.ts'
import { withTenantLock, type TenantLockRuntime } from '../tenant-jobs.ts'

/** What the check, apply and offboard processors share. */
export interface MonitoringJobContext {
  deps: Pick<WorkerDeps, 'graph'>
  ctx: ServiceContext
  settings: MonitoringWorkerSettings
  locks: TenantLockRuntime
}

/**
 * A processor that runs a monitoring service under the tenant's lock, handing it the service dependencies
 * for this job (its log lines go to the job's logger). `onBusy` replaces the default delay-and-retry.
 */
export function monitoringJob<K extends 'check' | 'apply' | 'offboard'>(
  m: MonitoringJobContext,
  run: (services: MonitoringDeps, payload: JobPayload<K>) => Promise<unknown>,
  onBusy?: (payload: JobPayload<K>, job: JobContext, holder: string | null) => Promise<unknown>,
): Processor<K> {
  return withTenantLock(
    m.locks,
    (payload, job) =>
      run({ ctx: m.ctx, graph: m.deps.graph, settings: m.settings, log: jobLog(job) }, payload),
    onBusy,
  )
}
