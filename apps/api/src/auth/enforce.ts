// Enforcement of the route table: at registration every route must be covered (else the app does not
// start); at request time the route's access decides who may call it, before the body is even parsed.
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify'
import { sendProblem } from '../plugins/problem.ts'
import { isValidCsrfToken, presentedCsrfToken } from './csrf.ts'
import { principalFromClaims } from './principal.ts'
import type { Principal } from './principal.ts'
import { forbidden, unauthenticated, unavailable } from './responses.ts'
import { satisfies } from './roles.ts'
import {
  assertValidTable,
  lookupPolicy,
  strictest,
  type Access,
  type RoutePolicyTable,
} from './route-policy.ts'
import type { SessionStore } from './session-cookie.ts'
import { IdentityProviderUnavailableError, InvalidTokenError, type TokenVerifier } from './token-verifier.ts'

export interface RegisteredRoute {
  method: string
  url: string
  access: Access
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

export class UncoveredRouteError extends Error {
  override readonly name = 'UncoveredRouteError'
}

export interface EnforceDeps {
  table: RoutePolicyTable
  verifier: TokenVerifier
  sessions: SessionStore
  audiences: string[]
}

export function enforceRoutePolicy(app: FastifyInstance, deps: EnforceDeps): void {
  assertValidTable(deps.table)
  const registered: RegisteredRoute[] = []
  app.decorate('routePolicies', registered)

  app.addHook('onRoute', (route: RouteOptions) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method]
    const accesses = methods.map((method) => {
      const entry = lookupPolicy(deps.table, method, route.url)
      if (!entry) {
        throw new UncoveredRouteError(
          `route ${method} ${route.url} is not in the route policy table (apps/api/src/auth/route-policy.ts); ` +
            'add it with the least role that may call it, or as public',
        )
      }
      return entry.access
    })
    const access = strictest(accesses)
    route.config = { ...route.config, routePolicy: access }
    for (const method of methods) registered.push({ method, url: route.url, access })
  })

  app.addHook('onRequest', async (request, reply) => {
    if (request.is404) return
    const access = request.routeOptions.config.routePolicy
    if (access === undefined) {
      // A route registered before this plugin escaped the registration check: fail closed.
      request.log.error({ url: request.routeOptions.url }, 'route has no access policy; refusing the request')
      return sendProblem(reply, request, { type: 'about:blank', title: 'Internal Server Error', status: 500 })
    }
    // Public routes (probes, assets, consent pages) cost nothing: no token check, no session lookup.
    // A public route that cares about the session (sign-out) reads it itself.
    if (access === 'public') return
    const authorization = request.headers.authorization
    let principal: Principal | null
    if (authorization !== undefined) {
      const token = /^Bearer +([^\s]+)\s*$/i.exec(authorization)?.[1]
      if (!token) return unauthenticated(request, reply, true)
      try {
        const claims = await deps.verifier.verify(token, {
          audience: deps.audiences,
          requiredClaims: ['oid'],
        })
        if (!isAccessToken(claims)) throw new InvalidTokenError('not an access token')
        principal = principalFromClaims(claims, 'bearer')
      } catch (err) {
        if (err instanceof InvalidTokenError) {
          request.log.info({ reason: err.message }, 'bearer token rejected')
          return unauthenticated(request, reply, true)
        }
        if (err instanceof IdentityProviderUnavailableError) {
          request.log.warn({ reason: err.message }, 'cannot validate bearer token')
          return unavailable(request, reply)
        }
        throw err
      }
    } else {
      principal = await deps.sessions.read(request)
      if (!principal) return unauthenticated(request, reply, false)
    }
    request.principal = principal
    if (!satisfies(principal.roles, access)) return forbidden(request, reply, 'insufficient_role', access)
  })

  // After body parsing, before validation: a state-changing request that rides on the session cookie
  // must carry the session's CSRF token (forms: `_csrf`, scripts: `x-csrf-token`).
  app.addHook('preValidation', async (request: FastifyRequest, reply: FastifyReply) => {
    if (SAFE_METHODS.has(request.method)) return
    if (request.routeOptions.config.routePolicy === 'public') return
    if (request.principal?.via !== 'session') return
    if (!csrfOk(deps.sessions, request)) return forbidden(request, reply, 'csrf_failed')
  })
}

/**
 * An id token of the staff app has the same issuer and audience as an access token for it, so it must not
 * pass as one: access tokens carry delegated scopes (`scp`) or are app-only (`idtyp: app`, or `oid` equal to
 * `sub`, which Entra ID only does for service principals; id tokens use a pairwise `sub`).
 */
export function isAccessToken(claims: Record<string, unknown>): boolean {
  if (typeof claims.scp === 'string' && claims.scp.length > 0) return true
  if (claims.nonce !== undefined) return false
  return claims.idtyp === 'app' || (typeof claims.sub === 'string' && claims.sub === claims.oid)
}

export function csrfOk(sessions: SessionStore, request: FastifyRequest): boolean {
  const sid = sessions.sessionId(request)
  return (
    sid !== undefined &&
    isValidCsrfToken(sessions.csrfKey, sid, presentedCsrfToken(request.headers, request.body))
  )
}
