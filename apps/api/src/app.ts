import cookie from '@fastify/cookie'
import formbody from '@fastify/formbody'
import helmet from '@fastify/helmet'
import rateLimit, { type FastifyRateLimitStoreCtor } from '@fastify/rate-limit'
import type { TrustProxy } from '@crosstrust/config'
import type { Logger } from '@crosstrust/logger'
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import { validatorCompiler } from 'fastify-type-provider-zod'
import { randomUUID } from 'node:crypto'
import { authPlugin, type AuthConfig, type SessionRevocations } from './auth/index.ts'
import { registerOpenApi } from './plugins/openapi.ts'
import { problemPlugin } from './plugins/problem.ts'
import { staffApiRoutes } from './routes/api/index.ts'
import type { StaffApiDeps } from './routes/api/deps.ts'
import { assetRoutes } from './routes/assets.ts'
import { consentRoutes } from './routes/consent/index.ts'
import type { ConsentRouteDeps } from './routes/consent/deps.ts'
import { statusRoutes } from './routes/status/index.ts'
import type { StatusRouteDeps } from './routes/status/deps.ts'
import { dashboardRoutes, type DashboardDeps } from './routes/dashboard/index.tsx'
import { healthRoutes, type ReadinessProbe } from './routes/health.ts'
import { metricsRoutes, type ApiMetricsDeps } from './plugins/metrics.ts'
import { responseSerializerCompiler } from './plugins/response-serializer.ts'

export interface AppDeps {
  logger: Logger
  probes: readonly ReadinessProbe[]
  /**
   * Behind a load balancer the client address comes from X-Forwarded-For (needed for rate limits): a hop
   * count or the proxies' addresses, never every hop (a client could then choose its own address).
   */
  trustProxy?: TrustProxy
  /** Where the rate limits count; without it each instance counts in its own memory. */
  rateLimitStore?: FastifyRateLimitStoreCtor
  /** Staff sign-in and the route policy; every non-public route depends on it. */
  auth: { config: AuthConfig; revocations?: SessionRevocations }
  /** Public consent pages and callback. */
  consent?: ConsentRouteDeps
  /** The customer's status page (its link, the admin's sign-in, self-service removal). */
  status?: StatusRouteDeps
  /** Staff JSON API (`/api/v1`). */
  staffApi?: StaffApiDeps
  /** Staff dashboard (server-rendered HTML at `/`, `/customers`, …). */
  dashboard?: DashboardDeps
  /** Prometheus `/metrics` and request timings (docs/metrics.md). */
  metrics?: ApiMetricsDeps
  /** Closed when the app closes (database pools, Redis connections). */
  onClose?: () => Promise<void>
}

/**
 * Fastify ignores a bare number for `trustProxy` (it cannot tell whether the immediate peer is really a
 * proxy), so a hop count becomes the equivalent function: the first `hops` addresses, counted from the
 * socket, are proxies and the next one is the client. Only sound when the API is reachable through the
 * proxies alone; an address list does not depend on that.
 */
function fastifyTrustProxy(
  trust: TrustProxy,
): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trust === 'number') return (_address, hop) => hop < trust
  return trust
}

/**
 * The API as a plugin tree, separate from the server entry so tests build it with `inject` or a real
 * listener on port 0. Order: infrastructure (errors, security headers, rate limits) → routes.
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const loggerInstance: FastifyBaseLogger = deps.logger
  const app = Fastify({
    loggerInstance,
    trustProxy: fastifyTrustProxy(deps.trustProxy ?? false),
    genReqId: (req) => {
      const incoming = req.headers['x-request-id']
      return typeof incoming === 'string' && /^[\w-]{8,64}$/.test(incoming) ? incoming : randomUUID()
    },
    requestIdHeader: false,
    // On SIGTERM (server.ts) the API drains: a request that reaches an already accepted connection while it
    // closes is served, not answered 503 (the container check's rolling restart lost requests to that).
    return503OnClosing: false,
    bodyLimit: 256 * 1024,
    routerOptions: { maxParamLength: 256 },
  })
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(responseSerializerCompiler)
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id)
  })

  await app.register(problemPlugin)
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        // Forms post to us; two of them (consent start, sign-in) answer with a redirect to Microsoft, and
        // browsers hold redirects after a form submission to form-action too. Nothing else may receive one.
        formAction: ["'self'", new URL(deps.auth.config.MS_LOGIN_URL).origin],
        frameAncestors: ["'none'"],
      },
    },
  })
  await app.register(rateLimit, {
    global: false,
    ...(deps.rateLimitStore === undefined ? {} : { store: deps.rateLimitStore }),
  })
  await app.register(formbody)
  await app.register(cookie)
  // Before any route: the route policy table refuses routes it does not cover.
  await app.register(authPlugin, { logger: deps.logger, ...deps.auth })
  // OpenAPI (/docs) collects the routes registered after it.
  await registerOpenApi(app)

  if (deps.metrics) metricsRoutes(app, deps.metrics)
  healthRoutes(app, deps.probes)
  assetRoutes(app)
  if (deps.consent) await app.register(consentRoutes, { prefix: '/consent', ...deps.consent })
  if (deps.status) await app.register(statusRoutes, { prefix: '/status', ...deps.status })
  if (deps.staffApi) staffApiRoutes(app, deps.staffApi)
  if (deps.dashboard) await dashboardRoutes(app, deps.dashboard)

  if (deps.onClose) {
    const close = deps.onClose
    app.addHook('onClose', async () => {
      await close()
    })
  }
  return app
}
