import { ATTRIBUTION_RETRY_DELAYS_SECONDS, type BackoffOptions, type MonitoringMode } from '@crosstrust/core'
import type { GraphGateway, RetryPolicy } from '@crosstrust/microsoft'
import type { ServiceContext } from '../context.ts'

/** Knobs of the check/apply/offboard jobs; the worker fills them from config. */
export interface MonitoringSettings {
  partnerTenantId: string
  /** Our partner app's client id (APP_CLIENT_ID): directory audit entries it initiated are ours. */
  appClientId: string
  /** Mode of customers whose own `mode` is null (config DEFAULT_MODE). */
  defaultMode: MonitoringMode
  /** Interval of customers whose own `checkIntervalSeconds` is null (config CHECK_INTERVAL_SECONDS). */
  defaultCheckIntervalSeconds: number
  /** Consecutive failures back a tenant off: base·2^(n−1) seconds, capped. */
  backoff: BackoffOptions
  /** Read-back after a repair or a delete (reads may lag writes). */
  readBack: { attempts: number; delayMs: number }
  /** A check skipped because another job held the tenant is due again after this long. */
  skippedRetrySeconds: number
  /** How long a claimed scheduled check keeps its customer from being picked up again (a dead job's claim). */
  checkLeaseSeconds: number
  /** Retry policy of a check's read (default: the gateway's). A read that still fails is `unknown`. */
  graphRetry?: Partial<RetryPolicy>
  /** Waits between a drift's attribution lookups (audit entries arrive late); then it gives up. */
  attributionRetryDelaysSeconds: readonly number[]
}

export const DEFAULT_MONITORING_SETTINGS: Omit<
  MonitoringSettings,
  'partnerTenantId' | 'appClientId' | 'defaultMode' | 'defaultCheckIntervalSeconds'
> = {
  backoff: { baseSeconds: 60, capSeconds: 6 * 3600 },
  readBack: { attempts: 6, delayMs: 2_000 },
  skippedRetrySeconds: 60,
  checkLeaseSeconds: 120,
  attributionRetryDelaysSeconds: ATTRIBUTION_RETRY_DELAYS_SECONDS,
}

/** What evaluating and storing effective trust needs: a check's dependencies, or onboarding's. */
export interface TrustDeps {
  ctx: ServiceContext
  graph: GraphGateway
  settings: Pick<MonitoringSettings, 'partnerTenantId' | 'graphRetry'>
  log?: (msg: string, fields?: Record<string, unknown>) => void
}

export interface MonitoringDeps {
  ctx: ServiceContext
  graph: GraphGateway
  settings: MonitoringSettings
  log?: (msg: string, fields?: Record<string, unknown>) => void
}
