import { runOffboard, type ServiceContext } from '@crosstrust/services'
import type { WorkerDeps } from '../deps.ts'
import type { Processor } from '../registry.ts'
import type { MonitoringWorkerSettings } from '../settings.ts'
import { withTenantLock, type TenantLockRuntime } from '../tenant-jobs.ts'
import { monitoringDeps } from './monitoring-deps.ts'

/** The `offboard` job: deletes the partner entry, verifies it is gone and stops the checks. */
export function offboardProcessor(
  deps: Pick<WorkerDeps, 'graph'>,
  ctx: ServiceContext,
  settings: MonitoringWorkerSettings,
  runtime: TenantLockRuntime,
): Processor<'offboard'> {
  return withTenantLock(runtime, (payload, job) =>
    runOffboard(monitoringDeps(deps, ctx, settings, job), {
      customerId: payload.customerId,
      actor: payload.actor,
    }),
  )
}
