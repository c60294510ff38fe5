import type { Db } from '@crosstrust/db'
import { JOB_KINDS, jobDefinitions, type JobQueues } from '@crosstrust/jobs'
import { Counter, Gauge, type Registry } from 'prom-client'

const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed'] as const

/**
 * Fleet-wide gauges read on scrape (served by the API: every instance reports the same figures, so
 * aggregate with `max`, not `sum`). Each scrape costs one `getJobCounts` per queue and one grouped
 * query over customers (an index-only count at 100,000 rows).
 */
export function fleetMetrics(registry: Registry, deps: { db: Db; queues: JobQueues }): void {
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
      const rows = await deps.db.customer.groupBy({
        by: ['onboardingState', 'complianceState'],
        _count: { _all: true },
      })
      this.reset()
      for (const row of rows) {
        this.set(
          { onboarding_state: row.onboardingState, compliance_state: row.complianceState },
          row._count._all,
        )
      }
    },
  })
  trustMetrics(registry, deps.db)
}

/** Effective trust (docs/effective-trust.md): customers per verdict, and verdict changes so far. */
function trustMetrics(registry: Registry, db: Db): void {
  new Gauge({
    name: 'crosstrust_customers_trust',
    help: 'Customers by effective-trust verdict (effective, partly, no_effect, blocked, unknown), read on scrape.',
    labelNames: ['verdict'] as const,
    registers: [registry],
    async collect() {
      const rows = await db.customerTrust.groupBy({ by: ['verdict'], _count: { _all: true } })
      this.reset()
      for (const row of rows) this.set({ verdict: row.verdict }, row._count._all)
    },
  })
  new Counter({
    name: 'crosstrust_trust_verdict_changes_total',
    help: 'Effective-trust verdict changes detected by checks (each notified once), summed from PostgreSQL on scrape.',
    registers: [registry],
    async collect() {
      const sum = await db.customerTrust.aggregate({ _sum: { changeCount: true } })
      this.reset()
      this.inc(sum._sum.changeCount ?? 0)
    },
  })
}
