import { createRedis, type JobPayload } from '@crosstrust/jobs'
import {
  DEFAULT_MONITORING_SETTINGS,
  recordSkippedCheck,
  runCheck,
  runOffboard,
  type MonitoringDeps,
  type MonitoringSettings,
  type ServiceContext,
} from '@crosstrust/services'
import type { JobContext, Processor, ProcessorRegistry } from './registry.ts'
import { requeueOverdueNotifications } from './notify-processor.ts'
import { runSweep, type SweepSettings } from './sweep.ts'
import { createTenantLock, type TenantLock } from './tenant-lock.ts'
import type { WorkerDeps } from './processors.ts'

// Monitoring processors: check, apply, offboard and the scheduler sweep. Every job that touches a
// tenant runs under that tenant's Redis lock, across all worker processes.

export interface MonitoringWorkerSettings extends MonitoringSettings, SweepSettings {
  /** Lock lifetime (renewed while the job runs). */
  lockTtlMs: number
  /** An onboard/apply/offboard that finds its tenant busy is delayed about this long (±50 %), then retried. */
  busyRetryMs: number
}

export function monitoringSettings(deps: WorkerDeps): MonitoringWorkerSettings {
  return {
    ...DEFAULT_MONITORING_SETTINGS,
    partnerTenantId: deps.config.PARTNER_TENANT_ID,
    defaultMode: deps.config.DEFAULT_MODE,
    defaultCheckIntervalSeconds: deps.config.CHECK_INTERVAL_SECONDS,
    sweepIntervalMs: deps.config.SWEEP_INTERVAL_SECONDS * 1000,
    backoff: {
      baseSeconds: deps.config.CHECK_BACKOFF_BASE_SECONDS,
      capSeconds: deps.config.CHECK_BACKOFF_CAP_SECONDS,
    },
    sweepBatchSize: 1_000,
    sweepMaxPerRun: 100_000,
    // The longest a live onboarding job goes without moving a step is the consent replication window.
    onboardingStaleMs: (deps.config.CONSENT_RETRY_WINDOW_SECONDS + 120) * 1000,
    lockTtlMs: 60_000,
    busyRetryMs: 2_000,
    ...deps.monitoring,
  }
}

type CustomerJobKind = 'onboard' | 'check' | 'apply' | 'offboard'

export interface MonitoringRuntime {
  settings: MonitoringWorkerSettings
  lock: () => Promise<TenantLock>
  busyDelayMs: () => number
}

export function monitoringRuntime(deps: WorkerDeps): MonitoringRuntime {
  const settings = monitoringSettings(deps)
  let lock: Promise<TenantLock> | undefined
  return {
    settings,
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
  runtime: MonitoringRuntime,
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

export function monitoringProcessors(
  deps: WorkerDeps,
  ctx: ServiceContext,
  runtime: MonitoringRuntime,
): Pick<ProcessorRegistry, 'check' | 'apply' | 'offboard' | 'sweep'> {
  const { settings } = runtime
  const monitoringDeps = (job: JobContext): MonitoringDeps => ({
    ctx,
    graph: deps.graph,
    settings,
    log: (msg, fields) => {
      job.logger.info(fields ?? {}, msg)
    },
  })
  return {
    check: withTenantLock(
      runtime,
      (payload, job) =>
        runCheck(monitoringDeps(job), {
          customerId: payload.customerId,
          kind: 'check',
          trigger: payload.trigger,
          dueAt: new Date(payload.dueAt),
        }),
      (payload, _job, holder) =>
        recordSkippedCheck(ctx, {
          customerId: payload.customerId,
          trigger: payload.trigger,
          holder,
          retrySeconds: settings.skippedRetrySeconds,
        }),
    ),
    apply: withTenantLock(runtime, (payload, job) =>
      runCheck(monitoringDeps(job), {
        customerId: payload.customerId,
        kind: 'apply',
        trigger: payload.trigger,
      }),
    ),
    offboard: withTenantLock(runtime, (payload, job) =>
      runOffboard(monitoringDeps(job), { customerId: payload.customerId, actor: payload.actor }),
    ),
    sweep: async (_payload, job) => {
      const now = new Date()
      const result = await runSweep(deps.db, deps.queues, settings, now)
      // Webhook deliveries whose notify job was lost (notifications engineer's rescue, same principle).
      const notifications = await requeueOverdueNotifications(deps, now)
      job.logger.info({ ...result, notifications }, 'sweep done')
      return { ...result, notifications }
    },
  }
}
