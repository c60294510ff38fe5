import { lookUpDriftAttribution, type ServiceContext } from '@crosstrust/services'
import type { WorkerDeps } from '../deps.ts'
import { jobLog, type Processor } from '../registry.ts'
import type { MonitoringWorkerSettings } from '../settings.ts'

/**
 * The `attribute-drift` job: a later lookup of who made a drift, in the tenant's directory audit log. It only
 * reads Graph (no tenant lock: nothing it does conflicts with a check or a repair of the tenant).
 */
export function attributeDriftProcessor(m: {
  deps: Pick<WorkerDeps, 'graph'>
  ctx: ServiceContext
  settings: MonitoringWorkerSettings
}): Processor<'attribute-drift'> {
  return (payload, job) =>
    lookUpDriftAttribution(
      { ctx: m.ctx, graph: m.deps.graph, settings: m.settings, log: jobLog(job) },
      payload,
    )
}
