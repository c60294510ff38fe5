// What the worker's composition hands to every processor. The entry point (main.ts) and the test harness
// (test/support/system.ts) build one; processors take the parts they need (`Pick<WorkerDeps, …>`).
import type { Config } from '@crosstrust/config'
import type { Db } from '@crosstrust/db'
import type { JobQueues } from '@crosstrust/jobs'
import type { Logger } from '@crosstrust/logger'
import type { GraphGateway, TokenProvider } from '@crosstrust/microsoft'
import type { DeliverySettings, OnboardingSettings } from '@crosstrust/services'
import type { Redis } from 'ioredis'
import type { MonitoringWorkerSettings } from './settings.ts'

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
