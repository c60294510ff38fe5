import { runCheck } from '@crosstrust/services'
import type { Processor } from '../registry.ts'
import { monitoringJob, type MonitoringJobContext } from './monitoring-job.ts'

/** The `apply` job: a check that repairs every repairable difference, whatever the customer's mode. */
export function applyProcessor(m: MonitoringJobContext): Processor<'apply'> {
  return monitoringJob<'apply'>(m, (services, payload) =>
    runCheck(services, { customerId: payload.customerId, kind: 'apply', trigger: payload.trigger }),
  )
}
