import type { Config } from '@crosstrust/config'
import { createMetricsRegistry, fleetMetrics, httpMetrics } from '@crosstrust/metrics'
import { customerStateCounts, customerTrustCounts } from '@crosstrust/services'
import type { Infrastructure } from './infrastructure.ts'
import type { ApiMetricsDeps } from './plugins/metrics.ts'

/** The API's registry: request timings plus the fleet gauges (queue depth, customers by state). */
export function composeMetrics(
  config: Pick<Config, 'METRICS_TOKEN'>,
  infra: Pick<Infrastructure, 'prisma' | 'queues'>,
): ApiMetricsDeps {
  const registry = createMetricsRegistry('api')
  fleetMetrics(registry, {
    queues: infra.queues,
    customerStateCounts: () => customerStateCounts(infra.prisma),
    customerTrustCounts: () => customerTrustCounts(infra.prisma),
  })
  return { registry, http: httpMetrics(registry), token: config.METRICS_TOKEN }
}
