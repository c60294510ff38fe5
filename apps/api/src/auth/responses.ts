// How a refused request is answered: the JSON API (and any non-browser client) gets RFC 9457
// problem+json; a browser on the dashboard gets a redirect to sign-in or a small HTML page.
import type { FastifyReply, FastifyRequest } from 'fastify'
import { problemType, sendProblem } from '../plugins/problem.ts'
import { forbiddenPage, signInRequiredPage } from './pages.tsx'
import type { Role } from './roles.ts'

/** A dashboard page request from a browser (not the JSON API, and the client accepts HTML). */
export function wantsHtml(request: FastifyRequest): boolean {
  if (request.url.startsWith('/api/')) return false
  const accept = request.headers.accept ?? ''
  return accept.includes('text/html')
}

export function unauthenticated(request: FastifyRequest, reply: FastifyReply, invalidToken: boolean) {
  if (wantsHtml(request) && (request.method === 'GET' || request.method === 'HEAD')) {
    return reply.redirect(`/auth/sign-in?returnTo=${encodeURIComponent(request.url)}`, 302)
  }
  // RFC 6750: say which scheme, and that the presented token (if any) is the problem.
  reply.header('www-authenticate', invalidToken ? 'Bearer error="invalid_token"' : 'Bearer')
  if (wantsHtml(request)) {
    return reply.status(401).type('text/html; charset=utf-8').send(signInRequiredPage())
  }
  return sendProblem(reply, request, {
    type: problemType('unauthenticated'),
    title: 'Unauthenticated',
    status: 401,
    code: invalidToken ? 'invalid_token' : 'unauthenticated',
    detail: invalidToken ? 'The bearer token is not valid.' : 'Sign in or send a bearer token.',
  })
}

export function forbidden(
  request: FastifyRequest,
  reply: FastifyReply,
  code: 'insufficient_role' | 'csrf_failed',
  required?: Role,
) {
  const detail =
    code === 'csrf_failed'
      ? 'The form is missing a valid CSRF token. Reload the page and try again.'
      : `This needs the ${required ?? 'required'} role.`
  if (wantsHtml(request)) {
    return reply.status(403).type('text/html; charset=utf-8').send(forbiddenPage(detail))
  }
  return sendProblem(reply, request, {
    type: problemType(code),
    title: 'Forbidden',
    status: 403,
    code,
    detail,
    ...(required ? { requiredRole: required } : {}),
  })
}

export function unavailable(request: FastifyRequest, reply: FastifyReply) {
  reply.header('retry-after', '5')
  return sendProblem(reply, request, {
    type: problemType('identity_provider_unavailable'),
    title: 'Identity provider unavailable',
    status: 503,
    code: 'identity_provider_unavailable',
    detail: 'Tokens cannot be checked right now. Try again shortly.',
  })
}
