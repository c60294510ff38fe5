import { recordSkippedCheck, runCheck } from '@crosstrust/services'
import type { Processor } from '../registry.ts'
import { monitoringJob, type MonitoringJobContext } from './monitoring-job.ts'

/** The `check` job: reads and classifies the partner entry; a busy tenant records a skipped check. */
export function checkProcessor(m: MonitoringJobContext): Processor<'check'> {
  return monitoringJob<'check'>(
    m,
    (services, payload) =>
      runCheck(services, {
        customerId: payload.customerId,
        kind: 'check',
        trigger: payload.trigger,
        dueAt: new Date(payload.dueAt),
      }),
    (payload, _job, holder) =>
      recordSkippedCheck(m.ctx, {
        customerId: payload.customerId,
        trigger: payload.trigger,
        holder,
        retrySeconds: m.settings.skippedRetrySeconds,
      }),
  )
}
