import { recordSkippedCheck, runCheckBatch, type CheckLimiter } from '@crosstrust/services'
import { jobLog, type Processor } from '../registry.ts'
import type { MonitoringJobContext } from './monitoring-job.ts'

/**
 * The `check-batch` job: the sweep's scheduled checks, many customers at once. Their tenant locks are taken
 * in one round trip; a busy tenant (an apply, onboarding or offboarding holds it) records a skipped check
 * and is due again shortly; the rest run as one batch under the process's limit on checks in flight.
 */
export function checkBatchProcessor(m: MonitoringJobContext, limit: CheckLimiter): Processor<'check-batch'> {
  return async (payload, job) => {
    const lock = await m.locks.lock()
    const dueAt = new Map(payload.checks.map((c) => [c.customerId, new Date(c.dueAt)]))
    const services = { ctx: m.ctx, graph: m.deps.graph, settings: m.settings, log: jobLog(job) }
    const { value, busy } = await lock.withLocks([...dueAt.keys()], job.jobId, (acquired) =>
      runCheckBatch(
        services,
        acquired.map((customerId) => ({ customerId, dueAt: dueAt.get(customerId) ?? new Date(0) })),
        limit,
      ),
    )
    for (const { customerId, holder } of busy) {
      job.logger.info({ customerId, holder }, 'tenant busy')
      await recordSkippedCheck(m.ctx, {
        customerId,
        trigger: 'schedule',
        holder,
        retrySeconds: m.settings.skippedRetrySeconds,
        ...(dueAt.has(customerId) ? { dueAt: dueAt.get(customerId) } : {}),
      })
    }
    return { ...value, busy: busy.length }
  }
}
