import { Counter, Histogram, type Registry } from 'prom-client'

/** How a job run ended: returned, threw (BullMQ may retry it), or put itself back as delayed. */
export type JobOutcome = 'completed' | 'failed' | 'delayed'

export interface JobMetrics {
  observe(kind: string, outcome: JobOutcome, seconds: number): void
  /** The result of one `notify` job (`deliverWebhook`'s return value, or `error`). */
  webhookDelivery(outcome: string): void
}

export function jobMetrics(registry: Registry): JobMetrics {
  const runs = new Counter({
    name: 'crosstrust_jobs_total',
    help: 'Job runs by kind and outcome (completed, failed, delayed).',
    labelNames: ['kind', 'outcome'] as const,
    registers: [registry],
  })
  const duration = new Histogram({
    name: 'crosstrust_job_duration_seconds',
    help: 'Job run duration by kind and outcome.',
    labelNames: ['kind', 'outcome'] as const,
    // Checks take one or two Graph round trips; onboarding waits for consent replication and read-back.
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers: [registry],
  })
  const deliveries = new Counter({
    name: 'crosstrust_webhook_deliveries_total',
    help: 'Webhook delivery attempts by outcome (delivered, retry_scheduled, failed, not_due, already_delivered, ...).',
    labelNames: ['outcome'] as const,
    registers: [registry],
  })
  return {
    observe(kind, outcome, seconds) {
      runs.inc({ kind, outcome })
      duration.observe({ kind, outcome }, seconds)
    },
    webhookDelivery(outcome) {
      deliveries.inc({ outcome })
    },
  }
}
