// Every job that touches a tenant (onboard, check, apply, offboard) runs under that tenant's Redis lock,
// across all worker processes: onboarding never races a check, and two checks never overlap.
import { createRedis, type JobPayload } from '@crosstrust/jobs'
import type { WorkerDeps } from './deps.ts'
import type { JobContext, Processor } from './registry.ts'
import type { MonitoringWorkerSettings } from './settings.ts'
import { createTenantLock, type TenantLock } from './tenant-lock.ts'

type CustomerJobKind = 'onboard' | 'check' | 'apply' | 'offboard'

export interface TenantLockRuntime {
  lock: () => Promise<TenantLock>
  busyDelayMs: () => number
}

export function tenantLockRuntime(
  deps: Pick<WorkerDeps, 'config' | 'logger' | 'redis'>,
  settings: Pick<MonitoringWorkerSettings, 'lockTtlMs' | 'busyRetryMs'>,
): TenantLockRuntime {
  let lock: Promise<TenantLock> | undefined
  return {
    // The process's shared (non-blocking) connection, or a dedicated one if the composition passed none.
    lock: () =>
      (lock ??= Promise.resolve(
        createTenantLock(deps.redis ?? createRedis(deps.config.REDIS_URL), {
          prefix: deps.config.QUEUE_PREFIX,
          ttlMs: settings.lockTtlMs,
          onLost: (customerId, holder) => {
            deps.logger.error({ customerId, holder }, 'tenant lock lost while the job was running')
          },
        }),
      )),
    busyDelayMs: () => Math.round(settings.busyRetryMs * (0.5 + Math.random())),
  }
}

/**
 * Wraps a processor of a tenant-touching job in the tenant lock. Busy ⇒ the job is delayed and retried
 * (onboard, apply, offboard) without using up an attempt; checks pass `onBusy` to record a skip instead.
 */
export function withTenantLock<K extends CustomerJobKind>(
  runtime: TenantLockRuntime,
  processor: Processor<K>,
  onBusy?: (payload: JobPayload<K>, job: JobContext, holder: string | null) => Promise<unknown>,
): Processor<K> {
  return async (payload, job) => {
    const lock = await runtime.lock()
    const attempt = await lock.withLock(payload.customerId, job.jobId, () => processor(payload, job))
    if (attempt.acquired) return attempt.value
    job.logger.info({ holder: attempt.holder }, 'tenant busy')
    if (onBusy) return onBusy(payload, job, attempt.holder)
    return job.retryLater(runtime.busyDelayMs())
  }
}
