import { Histogram, type Registry } from 'prom-client'

export interface HttpMetrics {
  /** `route` is the registered route pattern (`/consent/:token`), never the raw URL (unbounded, secret). */
  observe(method: string, route: string, status: number, seconds: number): void
}

export function httpMetrics(registry: Registry): HttpMetrics {
  const duration = new Histogram({
    name: 'crosstrust_http_request_duration_seconds',
    help: 'API request duration by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  })
  return {
    observe(method, route, status, seconds) {
      duration.observe({ method, route, status: String(status) }, seconds)
    },
  }
}
