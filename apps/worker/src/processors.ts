import type { Config } from '@crosstrust/config'
import type { Db } from '@crosstrust/db'
import type { JobQueues } from '@crosstrust/jobs'
import type { Logger } from '@crosstrust/logger'
import type { GraphGateway, TokenProvider } from '@crosstrust/microsoft'
import { runOnboarding, type OnboardingSettings, type ServiceContext } from '@crosstrust/services'
import type { DeliverySettings } from '@crosstrust/services'
import type { ProcessorRegistry } from './registry.ts'
import type { Redis } from 'ioredis'
import { notifyProcessor } from './notify-processor.ts'
import {
  monitoringProcessors,
  monitoringRuntime,
  withTenantLock,
  type MonitoringWorkerSettings,
} from './monitoring.ts'

export interface WorkerDeps {
  config: Config
  db: Db
  queues: JobQueues
  tokens: TokenProvider
  graph: GraphGateway
  logger: Logger
  /** Overrides for tests and benchmarks (shorter waits); production uses the defaults. */
  onboarding?: Partial<OnboardingSettings>
  /** Webhook delivery overrides (tests use short retry delays). */
  notifications?: Partial<DeliverySettings>
  /** Monitoring overrides: sweep interval, backoff, lock, read-back (tests use short ones). */
  monitoring?: Partial<MonitoringWorkerSettings>
  /** Redis for the per-tenant locks (the process's shared connection); a new one is made when absent. */
  redis?: Redis
}

export function onboardingSettings(deps: WorkerDeps): OnboardingSettings {
  return {
    partnerTenantId: deps.config.PARTNER_TENANT_ID,
    consentRetryWindowMs: deps.config.CONSENT_RETRY_WINDOW_SECONDS * 1000,
    retryBaseDelayMs: 5_000,
    maxRetryDelayMs: 60_000,
    readBack: { attempts: 6, delayMs: 2_000 },
    defaultCheckIntervalSeconds: deps.config.CHECK_INTERVAL_SECONDS,
    ...deps.onboarding,
  }
}

/** Every job kind this worker handles, composed from the services. */
export function buildRegistry(deps: WorkerDeps): ProcessorRegistry {
  const ctx: ServiceContext = {
    db: deps.db,
    now: () => new Date(),
    enqueue: (kind, payload) => deps.queues.enqueue(kind, payload),
  }
  const settings = onboardingSettings(deps)
  const monitoring = monitoringRuntime(deps)
  return {
    // Every job that touches a tenant holds its lock (monitoring.ts): onboarding never races a check.
    onboard: withTenantLock(monitoring, async (payload, job) =>
      runOnboarding(
        {
          ctx,
          tokens: deps.tokens,
          graph: deps.graph,
          settings,
          signal: job.signal,
          attempt: { current: job.attempt, max: job.maxAttempts },
          log: (msg, fields) => {
            job.logger.info(fields ?? {}, msg)
          },
        },
        payload.customerId,
      ),
    ),
    ...monitoringProcessors(deps, ctx, monitoring),
    notify: notifyProcessor(deps),
  }
}
