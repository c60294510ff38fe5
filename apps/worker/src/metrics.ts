// The worker's Prometheus metrics (docs/metrics.md): job runs by kind and outcome, webhook delivery
// outcomes, and (through microsoft.ts) token cache and Graph figures, served on WORKER_METRICS_PORT.
import type { Config } from '@crosstrust/config'
import type { JobKind } from '@crosstrust/jobs'
import type { Logger } from '@crosstrust/logger'
import {
  createMetricsRegistry,
  jobMetrics,
  microsoftMetrics,
  startMetricsServer,
  type JobMetrics,
  type MetricsServer,
  type MicrosoftPromMetrics,
  type Registry,
} from '@crosstrust/metrics'
import { DelayedError } from 'bullmq'
import type { Processor, ProcessorSet } from './registry.ts'

export interface WorkerMetrics {
  registry: Registry
  jobs: JobMetrics
  microsoft: MicrosoftPromMetrics
}

export function createWorkerMetrics(): WorkerMetrics {
  const registry = createMetricsRegistry('worker')
  return { registry, jobs: jobMetrics(registry), microsoft: microsoftMetrics(registry) }
}

/** Wraps every processor to time it and count its outcome; `notify` results also count as deliveries. */
export function instrumentRegistry(registry: ProcessorSet, metrics: JobMetrics): ProcessorSet {
  const instrumented: ProcessorSet = {}
  for (const kind of Object.keys(registry) as JobKind[]) {
    const processor = registry[kind] as Processor<JobKind>
    const wrapped: Processor<JobKind> = async (payload, job) => {
      const started = performance.now()
      const seconds = () => (performance.now() - started) / 1000
      try {
        const result = await processor(payload, job)
        metrics.observe(kind, 'completed', seconds())
        if (kind === 'notify' && typeof result === 'string') metrics.webhookDelivery(result)
        return result
      } catch (error) {
        // retryLater() ends a run with DelayedError: the job is parked, not failed.
        const delayed = error instanceof DelayedError
        metrics.observe(kind, delayed ? 'delayed' : 'failed', seconds())
        if (kind === 'notify' && !delayed) metrics.webhookDelivery('error')
        throw error
      }
    }
    ;(instrumented as Record<JobKind, Processor<JobKind>>)[kind] = wrapped
  }
  return instrumented
}

/** The worker's `/metrics` listener; undefined when WORKER_METRICS_PORT is 0. */
export async function serveWorkerMetrics(
  config: Pick<Config, 'WORKER_METRICS_PORT' | 'METRICS_TOKEN'>,
  metrics: WorkerMetrics,
  logger: Logger,
  opts: { host?: string; port?: number } = {},
): Promise<MetricsServer | undefined> {
  const port = opts.port ?? config.WORKER_METRICS_PORT
  if (port === 0 && opts.port === undefined) return undefined
  let server: MetricsServer
  try {
    server = await startMetricsServer({
      registry: metrics.registry,
      port,
      ...(opts.host === undefined ? {} : { host: opts.host }),
      token: config.METRICS_TOKEN,
      onError: (error) => {
        logger.warn({ err: { message: error.message } }, 'metrics collection failed')
      },
    })
  } catch (error) {
    // Several workers on one host need one port each; a taken port must not stop a worker from working.
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error
    logger.error({ port }, 'WORKER_METRICS_PORT is in use: this worker runs without /metrics')
    return undefined
  }
  logger.info({ port: server.port }, 'worker metrics listening')
  return server
}
