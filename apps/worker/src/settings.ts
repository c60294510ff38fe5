// The worker's settings: configuration plus the tuning numbers below, each named with its reason. Tests and
// benchmarks override any of them through `WorkerDeps.onboarding`, `.monitoring` and `.notifications`.
import {
  DEFAULT_MONITORING_SETTINGS,
  type DeliverySettings,
  type MonitoringSettings,
  type OnboardingSettings,
} from '@crosstrust/services'
import type { Config } from '@crosstrust/config'
import type { JobKind } from '@crosstrust/jobs'
import type { QueueTuning } from './registry.ts'
import type { SweepSettings } from './sweep.ts'

/** First wait between token attempts while a fresh consent replicates; doubles on each retry. */
export const ONBOARDING_RETRY_BASE_DELAY_MS = 5_000
/** Cap of that wait: a minute keeps the onboarding page moving while the replication window lasts. */
export const ONBOARDING_MAX_RETRY_DELAY_MS = 60_000
/**
 * Read-back after writing the partner entry: Graph reads may lag writes by an undocumented while, so read at
 * once and then 0.5, 1.5, 3.5, 7.5 and 11.5 s later (counted from the first read, just after the write): a
 * lag of about a second is verified at 1.5 s (fixed 2 s steps verified it at 2 s at best), and the last read
 * is as late as the old schedule's (10 s).
 */
export const ONBOARDING_READ_BACK = { attempts: 6, delayMs: 500, maxDelayMs: 4_000 } as const
/** Customers leased and enqueued per sweep batch: one statement and one BullMQ addBulk each. */
export const SWEEP_BATCH_SIZE = 1_000
/**
 * A check the sweep enqueued but whose job never started (lost from Redis without the whole of Redis being
 * lost, or failed for good before claiming its due time) is enqueued again after this long. Longer than a
 * job waits in a normal backlog, so a backlog is not re-added; short enough that a lost check is late by
 * minutes, not hours.
 */
export const CHECK_ENQUEUE_LEASE_MS = 15 * 60_000
/**
 * Due checks per `check-batch` job: one claiming statement, one bulk write and one lock round trip serve
 * this many checks, so their fixed costs are a hundredth of a check each; small enough that a batch's
 * slowest tenant (a Retry-After) holds back few results, and that a crashed batch costs little work.
 */
export const CHECK_BATCH_SIZE = 100
/**
 * `check-batch` jobs a worker runs at once, per WORKER_CONCURRENCY checks in flight: two batches' worth of
 * claimed work keeps the limit busy while a finished batch writes its results.
 */
export const CHECK_BATCHES_IN_FLIGHT_FACTOR = 2
/** Upper bound per sweep run, so one sweep cannot monopolise a worker; the rest waits for the next run. */
export const SWEEP_MAX_PER_RUN = 100_000
/**
 * Added to the consent replication window (the longest a live onboarding job goes without moving a step)
 * before the sweep treats an onboarding as having lost its job: room for the step's own Graph calls.
 */
export const ONBOARDING_STALE_GRACE_SECONDS = 120
/** Tenant lock lifetime; the lock is renewed while its job runs, so this only bounds a dead holder. */
export const TENANT_LOCK_TTL_MS = 60_000
/** An onboard, apply or offboard that finds its tenant busy waits about this long (±50 %) and retries. */
export const TENANT_BUSY_RETRY_MS = 2_000

export interface MonitoringWorkerSettings extends MonitoringSettings, SweepSettings {
  /** Lock lifetime (renewed while the job runs). */
  lockTtlMs: number
  /** An onboard/apply/offboard that finds its tenant busy is delayed about this long (±50 %), then retried. */
  busyRetryMs: number
}

/** Configuration and the overrides tests and benchmarks pass; WorkerDeps (deps.ts) extends it. */
export interface SettingsSource {
  config: Config
  /** Overrides for tests and benchmarks (shorter waits); production uses the defaults. */
  onboarding?: Partial<OnboardingSettings>
  /** Monitoring overrides: sweep interval, backoff, lock, read-back (tests use short ones). */
  monitoring?: Partial<MonitoringWorkerSettings>
  /** Webhook delivery overrides (tests use short retry delays). */
  notifications?: Partial<DeliverySettings>
}

export function onboardingSettings(deps: SettingsSource): OnboardingSettings {
  return {
    partnerTenantId: deps.config.PARTNER_TENANT_ID,
    consentRetryWindowMs: deps.config.CONSENT_RETRY_WINDOW_SECONDS * 1000,
    retryBaseDelayMs: ONBOARDING_RETRY_BASE_DELAY_MS,
    maxRetryDelayMs: ONBOARDING_MAX_RETRY_DELAY_MS,
    readBack: { ...ONBOARDING_READ_BACK },
    defaultCheckIntervalSeconds: deps.config.CHECK_INTERVAL_SECONDS,
    statusLinkEmail: deps.config.SMTP_URL !== undefined && deps.config.MAIL_FROM !== undefined,
    ...deps.onboarding,
  }
}

export function monitoringSettings(deps: SettingsSource): MonitoringWorkerSettings {
  return {
    ...DEFAULT_MONITORING_SETTINGS,
    partnerTenantId: deps.config.PARTNER_TENANT_ID,
    appClientId: deps.config.APP_CLIENT_ID,
    defaultMode: deps.config.DEFAULT_MODE,
    defaultCheckIntervalSeconds: deps.config.CHECK_INTERVAL_SECONDS,
    sweepIntervalMs: deps.config.SWEEP_INTERVAL_SECONDS * 1000,
    backoff: {
      baseSeconds: deps.config.CHECK_BACKOFF_BASE_SECONDS,
      capSeconds: deps.config.CHECK_BACKOFF_CAP_SECONDS,
    },
    sweepBatchSize: SWEEP_BATCH_SIZE,
    checkBatchSize: CHECK_BATCH_SIZE,
    checkEnqueueLeaseMs: CHECK_ENQUEUE_LEASE_MS,
    sweepMaxPerRun: SWEEP_MAX_PER_RUN,
    onboardingStaleMs: (deps.config.CONSENT_RETRY_WINDOW_SECONDS + ONBOARDING_STALE_GRACE_SECONDS) * 1000,
    lockTtlMs: TENANT_LOCK_TTL_MS,
    busyRetryMs: TENANT_BUSY_RETRY_MS,
    ...deps.monitoring,
  }
}

/** Delivery settings from configuration, with test/benchmark overrides (`WorkerDeps.notifications`). */
export function deliverySettings(deps: SettingsSource): DeliverySettings {
  return {
    partnerName: deps.config.PARTNER_NAME,
    dashboardBaseUrl: deps.config.PUBLIC_BASE_URL,
    ...deps.notifications,
  }
}

/**
 * Jobs each queue runs at once in one worker process. Checks are bounded inside `check-batch` by the
 * process's check limiter (WORKER_CONCURRENCY), so that queue only needs enough batches to keep it busy.
 */
export function queueTuning(config: Pick<Config, 'WORKER_CONCURRENCY'>): (kind: JobKind) => QueueTuning {
  const batches = Math.max(
    2,
    Math.ceil((CHECK_BATCHES_IN_FLIGHT_FACTOR * config.WORKER_CONCURRENCY) / CHECK_BATCH_SIZE),
  )
  return (kind) => ({ concurrency: kind === 'check-batch' ? batches : config.WORKER_CONCURRENCY })
}
