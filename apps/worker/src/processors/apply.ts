import { runCheck, type ServiceContext } from '@crosstrust/services'
import type { WorkerDeps } from '../deps.ts'
import type { Processor } from '../registry.ts'
import type { MonitoringWorkerSettings } from '../settings.ts'
import { withTenantLock, type TenantLockRuntime } from '../tenant-jobs.ts'
import { monitoringDeps } from './monitoring-deps.ts'

/** The `apply` job: a check that repairs every repairable difference, whatever the customer's mode. */
export function applyProcessor(
  deps: Pick<WorkerDeps, 'graph'>,
  ctx: ServiceContext,
  settings: MonitoringWorkerSettings,
  runtime: TenantLockRuntime,
): Processor<'apply'> {
  return withTenantLock(runtime, (payload, job) =>
    runCheck(monitoringDeps(deps, ctx, settings, job), {
      customerId: payload.customerId,
      kind: 'apply',
      trigger: payload.trigger,
    }),
  )
}
