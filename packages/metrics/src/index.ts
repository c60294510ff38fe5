// @crosstrust/metrics: the Prometheus metric definitions of the API and the worker (docs/metrics.md).
// Definitions live here, in one place, so both processes name and label things the same way; the apps
// only wire them to their events.
export type { Registry } from 'prom-client'
export { createMetricsRegistry, type MetricsService } from './registry.ts'
export { jobMetrics, type JobMetrics, type JobOutcome } from './jobs.ts'
export { microsoftMetrics, errorCode, type MicrosoftPromMetrics } from './microsoft.ts'
export { fleetMetrics, type CustomerStateCount, type FleetSources } from './fleet.ts'
export { httpMetrics, type HttpMetrics } from './http.ts'
export { scrapeAllowed, startMetricsServer, type MetricsServer } from './serve.ts'
