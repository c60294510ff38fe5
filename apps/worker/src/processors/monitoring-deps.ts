import type { MonitoringDeps, ServiceContext } from '@crosstrust/services'
import type { WorkerDeps } from '../deps.ts'
import { jobLog, type JobContext } from '../registry.ts'
import type { MonitoringWorkerSettings } from '../settings.ts'

/** What the check, apply and offboard services need for one job. */
export function monitoringDeps(
  deps: Pick<WorkerDeps, 'graph'>,
  ctx: ServiceContext,
  settings: MonitoringWorkerSettings,
  job: JobContext,
): MonitoringDeps {
  return { ctx, graph: deps.graph, settings, log: jobLog(job) }
}
