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
    const due = (customerIds: readonly string[]) => {
      const wanted = new Set(customerIds)
      return payload.checks
        .filter((c) => wanted.has(c.customerId))
        .map((c) => ({ customerId: c.customerId, dueAt: new Date(c.dueAt) }))
    }
    const services = { ctx: m.ctx, graph: m.deps.graph, settings: m.settings, log: jobLog(job) }
    const customerIds = payload.checks.map((c) => c.customerId)
    const { value, busy } = await lock.withLocks(customerIds, job.jobId, (acquired) =>
      runCheckBatch(services, due(acquired), limit),
    )
    const holders = new Map(busy.map((b) => [b.customerId, b.holder]))
    for (const { customerId, dueAt } of due([...holders.keys()])) {
      const holder = holders.get(customerId) ?? null
      job.logger.info({ customerId, holder }, 'tenant busy')
      await recordSkippedCheck(m.ctx, {
        customerId,
        trigger: 'schedule',
        holder,
        retrySeconds: m.settings.skippedRetrySeconds,
        dueAt,
      })
    }
    return { ...value, busy: busy.length }
  }
}
