// What the worker's composition hands to every processor. The entry point (main.ts) and the test harness
// (test/support/system.ts) build one; processors take the parts they need (`Pick<WorkerDeps, …>`).
import type { Db } from '@crosstrust/db'
import type { JobQueues } from '@crosstrust/jobs'
import type { Logger } from '@crosstrust/logger'
import type { GraphGateway, TokenProvider } from '@crosstrust/microsoft'
import type { Mailer } from '@crosstrust/services'
import type { Redis } from 'ioredis'
import type { SettingsSource } from './settings.ts'

/** Configuration and settings overrides (SettingsSource) plus the clients every processor shares. */
export interface WorkerDeps extends SettingsSource {
  db: Db
  queues: JobQueues
  tokens: TokenProvider
  graph: GraphGateway
  logger: Logger
  /** Redis for the per-tenant locks (the process's shared connection); a new one is made when absent. */
  redis?: Redis
  /** The SMTP mailer for consent-link emails; made from SMTP_URL when absent (none without it). */
  mailer?: Mailer
}
