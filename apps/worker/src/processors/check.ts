import { recordSkippedCheck, runCheck, type ServiceContext } from '@crosstrust/services'
import type { WorkerDeps } from '../deps.ts'
import type { Processor } from '../registry.ts'
import type { MonitoringWorkerSettings } from '../settings.ts'
import { withTenantLock, type TenantLockRuntime } from '../tenant-jobs.ts'
import { monitoringDeps } from './monitoring-deps.ts'

/** The `check` job: reads and classifies the partner entry; a busy tenant records a skipped check. */
export function checkProcessor(
  deps: Pick<WorkerDeps, 'graph'>,
  ctx: ServiceContext,
  settings: MonitoringWorkerSettings,
  runtime: TenantLockRuntime,
): Processor<'check'> {
  return withTenantLock(
    runtime,
    (payload, job) =>
      runCheck(monitoringDeps(deps, ctx, settings, job), {
        customerId: payload.customerId,
        kind: 'check',
        trigger: payload.trigger,
        dueAt: new Date(payload.dueAt),
      }),
    (payload, _job, holder) =>
      recordSkippedCheck(ctx, {
        customerId: payload.customerId,
        trigger: payload.trigger,
        holder,
        retrySeconds: settings.skippedRetrySeconds,
      }),
  )
}
