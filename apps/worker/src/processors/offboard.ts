import { runOffboard } from '@crosstrust/services'
import type { Processor } from '../registry.ts'
import { monitoringJob, type MonitoringJobContext } from './monitoring-job.ts'

/** The `offboard` job: deletes the partner entry, verifies it is gone and stops the checks. */
export function offboardProcessor(m: MonitoringJobContext): Processor<'offboard'> {
  return monitoringJob<'offboard'>(m, (services, payload) =>
    runOffboard(services, { customerId: payload.customerId, actor: payload.actor }),
  )
}
