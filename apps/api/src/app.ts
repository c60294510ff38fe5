import cookie from '@fastify/cookie'
import formbody from '@fastify/formbody'
import helmet from '@fastify/helmet'
import rateLimit from '@fastify/rate-limit'
import type { Logger } from '@crosstrust/logger'
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod'
import { randomUUID } from 'node:crypto'
import { authPlugin, type AuthConfig, type SessionRevocations } from './auth/index.ts'
import { problemPlugin } from './plugins/problem.ts'
import { customerApiRoutes } from './routes/api/customers.ts'
import type { StaffApiDeps } from './routes/api/deps.ts'
import { assetRoutes } from './routes/assets.ts'
import { consentRoutes } from './routes/consent/index.ts'
import type { ConsentRouteDeps } from './routes/consent/deps.ts'
import { healthRoutes, type ReadinessProbe } from './routes/health.ts'

export interface AppDeps {
  logger: Logger
  probes: readonly ReadinessProbe[]
  /** Behind a load balancer the client address comes from X-Forwarded-For (needed for rate limits). */
  trustProxy?: boolean
  /** Staff sign-in and the route policy; every non-public route depends on it. */
  auth: { config: AuthConfig; revocations?: SessionRevocations }
  /** Public consent pages and callback. */
  consent?: ConsentRouteDeps
  /** Staff JSON API (`/api/v1`). */
  staffApi?: StaffApiDeps
  /** Closed when the app closes (database pools, Redis connections). */
  onClose?: () => Promise<void>
}

/**
 * The API as a plugin tree, separate from the server entry so tests build it with `inject` or a real
 * listener on port 0. Order: infrastructure (errors, security headers, rate limits) → routes.
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const loggerInstance: FastifyBaseLogger = deps.logger
  const app = Fastify({
    loggerInstance,
    trustProxy: deps.trustProxy ?? false,
    genReqId: (req) => {
      const incoming = req.headers['x-request-id']
      return typeof incoming === 'string' && /^[\w-]{8,64}$/.test(incoming) ? incoming : randomUUID()
    },
    requestIdHeader: false,
    bodyLimit: 256 * 1024,
    routerOptions: { maxParamLength: 256 },
  })
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
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
        formAction: ["'self'", 'https:'],
        frameAncestors: ["'none'"],
      },
    },
  })
  await app.register(rateLimit, { global: false })
  await app.register(formbody)
  await app.register(cookie)
  // Before any route: the route policy table refuses routes it does not cover.
  await app.register(authPlugin, { logger: deps.logger, ...deps.auth })

  healthRoutes(app, deps.probes)
  assetRoutes(app)
  if (deps.consent) consentRoutes(app, deps.consent)
  if (deps.staffApi) customerApiRoutes(app, deps.staffApi)

  if (deps.onClose) {
    const close = deps.onClose
    app.addHook('onClose', async () => {
      await close()
    })
  }
  return app
}
