import { JOB_KINDS, jobDefinitions, type JobQueues } from '@crosstrust/jobs'
import { Counter, Gauge, type Registry } from 'prom-client'

const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed'] as const

/** How many customers are in one (onboarding state, compliance state) pair. */
export interface CustomerStateCount {
  onboardingState: string
  complianceState: string
  count: number
}

export interface FleetSources {
  queues: JobQueues
  /** Customers per state pair, read on scrape (the API passes the services' query). */
  customerStateCounts: () => Promise<CustomerStateCount[]>
  /** Customers per effective-trust verdict and the verdict changes so far (the services' query). */
  customerTrustCounts: () => Promise<{ verdicts: { verdict: string; count: number }[]; changes: number }>
}

/**
 * Fleet-wide gauges read on scrape (served by the API: every instance reports the same figures, so
 * aggregate with `max`, not `sum`). Each scrape costs one `getJobCounts` per queue and one grouped
 * query over customers (an index-only count at 100,000 rows).
 */
export function fleetMetrics(registry: Registry, deps: FleetSources): void {
  new Gauge({
    name: 'crosstrust_queue_jobs',
    help: 'Jobs per queue and state (waiting, active, delayed, failed), read from BullMQ on scrape.',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      const counts = await Promise.all(
        JOB_KINDS.map(async (kind) => ({
          queue: jobDefinitions[kind].queue,
          counts: await deps.queues.queue(kind).getJobCounts(...QUEUE_STATES),
        })),
      )
      this.reset()
      for (const { queue, counts: byState } of counts) {
        for (const state of QUEUE_STATES) this.set({ queue, state }, byState[state] ?? 0)
      }
    },
  })
  new Gauge({
    name: 'crosstrust_customers',
    help: 'Customers by onboarding state and compliance state, read from PostgreSQL on scrape.',
    labelNames: ['onboarding_state', 'compliance_state'] as const,
    registers: [registry],
    async collect() {
      const rows = await deps.customerStateCounts()
      this.reset()
      for (const row of rows) {
        this.set({ onboarding_state: row.onboardingState, compliance_state: row.complianceState }, row.count)
      }
    },
  })
  trustMetrics(registry, deps.customerTrustCounts)
}

/** Effective trust (docs/effective-trust.md): customers per verdict, and verdict changes so far. */
function trustMetrics(registry: Registry, counts: FleetSources['customerTrustCounts']): void {
  new Gauge({
    name: 'crosstrust_customers_trust',
    help: 'Customers by effective-trust verdict (effective, partly, no_effect, blocked, unknown), read on scrape.',
    labelNames: ['verdict'] as const,
    registers: [registry],
    async collect() {
      const { verdicts } = await counts()
      this.reset()
      for (const row of verdicts) this.set({ verdict: row.verdict }, row.count)
    },
  })
  new Counter({
    name: 'crosstrust_trust_verdict_changes_total',
    help: 'Effective-trust verdict changes detected by checks (each notified once), summed from PostgreSQL on scrape.',
    registers: [registry],
    async collect() {
      const { changes } = await counts()
      this.reset()
      this.inc(changes)
    },
  })
}
