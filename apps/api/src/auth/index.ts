// Staff authentication and authorization for the API: bearer JWTs (JSON API, CLI), the dashboard's
// OIDC sign-in and session, CSRF, and the one route table that decides who may call what. See README.md.
import type { Logger } from '@crosstrust/logger'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { enforceRoutePolicy, type RegisteredRoute } from './enforce.ts'
import type { Principal } from './principal.ts'
import { ROUTE_POLICY, type Access, type RoutePolicyTable } from './route-policy.ts'
import { SessionStore } from './session-cookie.ts'
import type { SessionRevocations } from './session-revocation.ts'
import { authSettings, type AuthConfig } from './settings.ts'
import { signInRoutes } from './sign-in-routes.ts'
import { TokenVerifier } from './token-verifier.ts'
import { createStaffSignInClient } from '@crosstrust/microsoft'

export { auditActor, type AuditActor, type Principal } from './principal.ts'
export { ROLES, satisfies, type Role } from './roles.ts'
export {
  ROUTE_POLICY,
  lookupPolicy,
  type Access,
  type RoutePolicyEntry,
  type RoutePolicyTable,
} from './route-policy.ts'
export { UncoveredRouteError, type RegisteredRoute } from './enforce.ts'
export { walkRoutePolicyMatrix, type MatrixCredentials, type MatrixFinding } from './policy-matrix.ts'
export { CSRF_FIELD, CSRF_HEADER } from './csrf.ts'
export { redisSessionRevocations, type SessionRevocations } from './session-revocation.ts'
export { type AuthConfig } from './settings.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling; set before the handler of every non-public route runs, null on public routes. */
    principal: Principal | null
    /** The CSRF token to embed in dashboard forms (`<input type="hidden" name="_csrf">`). */
    csrfToken(): string
  }
  interface FastifyInstance {
    /** Every registered route with the access the table gave it (for the matrix test and docs). */
    routePolicies: RegisteredRoute[]
  }
  interface FastifyContextConfig {
    routePolicy?: Access
  }
}

export interface AuthPluginOptions {
  config: AuthConfig
  logger: Logger
  /** Overrides the route table (tests); production uses ROUTE_POLICY. */
  policy?: RoutePolicyTable
  /**
   * Where signed-out session ids are remembered (production: `redisSessionRevocations(redis, prefix)`).
   * Without it sign-out only clears the cookie, and a copy of it stays valid until it expires.
   */
  revocations?: SessionRevocations
}

/**
 * Register right after @fastify/cookie and @fastify/formbody and BEFORE any route: routes registered
 * earlier escape the registration check (they then fail closed with 500 at request time).
 */
export const authPlugin = fp(
  (app: FastifyInstance, opts: AuthPluginOptions) => {
    const settings = authSettings(opts.config)
    const verifier = new TokenVerifier(settings)
    const sessions = new SessionStore(settings.sessionSecret, settings.secureCookies, opts.revocations)

    app.decorateRequest('principal', null)
    app.decorateRequest('csrfToken', function (this: FastifyRequest) {
      return sessions.csrfToken(this)
    })

    enforceRoutePolicy(app, {
      table: opts.policy ?? ROUTE_POLICY,
      verifier,
      sessions,
      // Entra ID v2 access tokens for our API carry the client id; v1-style ones the application ID URI.
      audiences: [settings.clientId, `api://${settings.clientId}`],
    })
    signInRoutes(app, {
      settings,
      msal: createStaffSignInClient({
        loginUrl: settings.loginUrl,
        tenantId: settings.tenantId,
        clientId: settings.clientId,
        clientSecret: settings.clientSecret,
        logger: opts.logger,
      }),
      sessions,
      verifier,
    })
  },
  { name: 'crosstrust-auth', fastify: '5.x', dependencies: ['@fastify/cookie', '@fastify/formbody'] },
)
