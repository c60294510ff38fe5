// The API's Prometheus endpoint and request timing (docs/metrics.md). `/metrics` is public in the route
// table: in production it is reachable from the scraper only (network policy), and with METRICS_TOKEN set
// it also needs `Authorization: Bearer <token>`.
import { scrapeAllowed, type HttpMetrics, type Registry } from '@crosstrust/metrics'
import type { FastifyInstance } from 'fastify'

export interface ApiMetricsDeps {
  registry: Registry
  http: HttpMetrics
  /** METRICS_TOKEN; unset ⇒ no bearer needed. */
  token?: string | undefined
}

export function metricsRoutes(app: FastifyInstance, deps: ApiMetricsDeps): void {
  app.addHook('onResponse', async (request, reply) => {
    // The route pattern, never the URL: bounded label values, and no consent token in a label.
    const route = request.routeOptions.url ?? 'unmatched'
    deps.http.observe(request.method, route, reply.statusCode, reply.elapsedTime / 1000)
  })
  // Each scrape runs a grouped query and six queue counts: a public-facing mistake must not become a lever.
  app.get(
    '/metrics',
    { config: { rateLimit: { max: 120, timeWindow: '1 minute' } } },
    async (request, reply) => {
      if (!scrapeAllowed(request.headers.authorization, deps.token)) {
        return reply
          .code(401)
          .header('www-authenticate', 'Bearer')
          .type('text/plain; charset=utf-8')
          .send('unauthorized\n')
      }
      const body = await deps.registry.metrics()
      return reply.type(deps.registry.contentType).send(body)
    },
  )
}
