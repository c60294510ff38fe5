import { collectDefaultMetrics, Registry } from 'prom-client'

export type MetricsService = 'api' | 'worker'

/**
 * One registry per process role. A registry of our own (not prom-client's global one) keeps the API and
 * an in-process worker apart in system tests, exactly as they are separate processes in production.
 * Default process metrics (CPU, RSS, heap, event-loop lag) come with it.
 */
export function createMetricsRegistry(
  service: MetricsService,
  opts: { processMetrics?: boolean } = {},
): Registry {
  const registry = new Registry()
  registry.setDefaultLabels({ service })
  if (opts.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'crosstrust_' })
  return registry
}
