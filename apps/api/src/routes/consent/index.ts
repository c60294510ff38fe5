import {
  beginConsent,
  completeConsent,
  completeSignIn,
  consentAttemptStatus,
  consentCallbackQuery,
  currentPolicy,
  inspectConsentLink,
  retryConsent,
  signInCallbackQuery,
  statusLinkFromConsent,
  consentCookieName,
  type BrowserSecrets,
  type StartedAttempt,
} from '@crosstrust/services'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { customerAdmin } from '../customer-admin-actor.ts'
import type { ConsentRouteDeps } from './deps.ts'
import { landingPage } from './pages/landing.tsx'
import { presentResult, type LinkProblem } from './pages/presenter.ts'
import {
  declinedPage,
  invalidStatePage,
  linkProblemPage,
  refusedPage,
  signInProblemPage,
} from './pages/problems.tsx'
import { resultPage } from './pages/result.tsx'
import { statusLinkPage } from './pages/status-link.tsx'

const tokenParams = z.object({ token: z.string().max(256) })
const attemptParams = z.object({ attemptId: z.string().max(64) })

/**
 * Public pages a customer's administrator sees, as an encapsulated plugin registered with the `/consent`
 * prefix: its hooks apply to its own routes only. Rate limited; every reflected value is escaped.
 */
export function consentRoutes(app: FastifyInstance, deps: ConsentRouteDeps, done: () => void): void {
  const { ctx, partner } = deps
  const limited = (max: number) => ({ rateLimit: { max, timeWindow: '1 minute' } })
  const secure = deps.publicBaseUrl.startsWith('https:')
  // Binds each consent attempt to this browser: one cookie per attempt, HttpOnly (no script reads it),
  // SameSite=Lax (sent on Microsoft's top-level GET redirects back to us, not on cross-site subrequests),
  // Path=/consent, living as long as the attempt.
  const toMicrosoft = (reply: FastifyReply, started: StartedAttempt) =>
    reply
      .setCookie(started.cookieName, started.browserSecret, {
        path: '/consent',
        httpOnly: true,
        sameSite: 'lax',
        secure,
        maxAge: started.ttlSeconds,
      })
      .redirect(started.redirectUrl, 303)
  /** A started attempt goes on to Microsoft; a link that cannot start one gets its problem page. */
  const toMicrosoftOrProblem = (reply: FastifyReply, result: StartedAttempt | { status: LinkProblem }) =>
    'redirectUrl' in result
      ? toMicrosoft(reply, result)
      : reply.status(404).type('text/html; charset=utf-8').send(linkProblemPage(result.status, partner))
  /** The attempt named in the path and how far its setup got (null for an unknown attempt). */
  const attemptStatus = async (request: FastifyRequest) => {
    const { attemptId } = request.params as z.infer<typeof attemptParams>
    return { attemptId, status: await consentAttemptStatus(ctx, attemptId, partner.name) }
  }
  const browserSecret =
    (request: FastifyRequest): BrowserSecrets =>
    (attemptId) =>
      request.cookies[consentCookieName(attemptId)]
  // Consent pages must never be cached or leak the token through Referer.
  app.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', 'no-store')
  })

  app.get('/:token', { schema: { params: tokenParams }, config: limited(60) }, async (request, reply) => {
    const { token } = request.params as z.infer<typeof tokenParams>
    const inspection = await inspectConsentLink(ctx, token)
    reply.type('text/html; charset=utf-8')
    if (inspection.status !== 'valid') {
      return reply
        .status(inspection.status === 'completed' ? 200 : 404)
        .send(linkProblemPage(inspection.status, partner))
    }
    const policy = await currentPolicy(ctx.db)
    return landingPage({
      token,
      customerName: inspection.customer.name,
      newPermissions: inspection.customer.newPermissions,
      partner,
      policy,
      expiresAt: inspection.link.expiresAt,
    })
  })

  app.post(
    '/:token/start',
    { schema: { params: tokenParams }, config: limited(20) },
    async (request, reply) => {
      const { token } = request.params as z.infer<typeof tokenParams>
      const result = await beginConsent(ctx, deps.consent, token, customerAdmin(request))
      return toMicrosoftOrProblem(reply, result)
    },
  )

  app.get(
    '/signed-in',
    { schema: { querystring: signInCallbackQuery }, config: limited(30) },
    async (request, reply) => {
      const query = request.query as z.infer<typeof signInCallbackQuery>
      const result = await completeSignIn(
        ctx,
        deps.consent,
        query,
        browserSecret(request),
        customerAdmin(request),
      )
      reply.type('text/html; charset=utf-8')
      switch (result.kind) {
        case 'continue':
          return reply.redirect(result.redirectUrl, 303)
        case 'invalid_state':
          return reply.status(400).send(invalidStatePage(result.reason, partner))
        case 'link_unusable':
          return reply.status(409).send(linkProblemPage('unusable', partner))
        case 'sign_in_cancelled':
          return reply.status(200).send(signInProblemPage(result.attemptId, 'cancelled', partner))
        case 'sign_in_failed':
          return reply.status(401).send(signInProblemPage(result.attemptId, result.reason, partner))
        case 'refused':
          return reply.status(403).send(refusedPage(result.refusal))
      }
    },
  )

  app.get(
    '/callback',
    { schema: { querystring: consentCallbackQuery }, config: limited(30) },
    async (request, reply) => {
      const query = request.query as z.infer<typeof consentCallbackQuery>
      const result = await completeConsent(ctx, query, browserSecret(request), customerAdmin(request))
      reply.type('text/html; charset=utf-8')
      switch (result.kind) {
        case 'invalid_state':
          return reply.status(400).send(invalidStatePage(result.reason, partner))
        case 'link_unusable':
          return reply.status(409).send(linkProblemPage('unusable', partner))
        case 'declined':
          return reply.status(200).send(declinedPage(result))
        case 'granted':
          return reply.redirect(`/consent/result/${result.attemptId}`, 303)
      }
    },
  )

  app.get(
    '/result/:attemptId',
    { schema: { params: attemptParams }, config: limited(120) },
    async (request, reply) => {
      const { attemptId, status } = await attemptStatus(request)
      reply.type('text/html; charset=utf-8')
      if (!status) return reply.status(404).send(linkProblemPage('unknown', partner))
      return resultPage(presentResult(attemptId, status, partner, new Date()))
    },
  )

  app.post(
    '/result/:attemptId/retry',
    { schema: { params: attemptParams }, config: limited(20) },
    async (request, reply) => {
      const { attemptId } = request.params as z.infer<typeof attemptParams>
      const result = await retryConsent(
        ctx,
        deps.consent,
        attemptId,
        customerAdmin(request),
        browserSecret(request),
      )
      return toMicrosoftOrProblem(reply, result)
    },
  )

  // The admin who just consented takes their status page link from the result page (once per attempt).
  app.post(
    '/result/:attemptId/status-page',
    { schema: { params: attemptParams }, config: limited(10) },
    async (request, reply) => {
      const { attemptId } = request.params as z.infer<typeof attemptParams>
      const result = await statusLinkFromConsent(
        ctx,
        { publicBaseUrl: deps.publicBaseUrl },
        attemptId,
        browserSecret(request),
        customerAdmin(request),
      )
      reply.type('text/html; charset=utf-8')
      if (result.kind === 'unknown') return reply.status(404).send(linkProblemPage('unknown', partner))
      return reply.status(result.kind === 'issued' ? 200 : 409).send(statusLinkPage(result, partner))
    },
  )

  app.get(
    '/status/:attemptId',
    { schema: { params: attemptParams }, config: limited(240) },
    async (request, reply) => {
      const { status } = await attemptStatus(request)
      if (!status)
        return reply
          .status(404)
          .type('application/problem+json')
          .send({ type: 'about:blank', title: 'Not Found', status: 404 })
      return status
    },
  )
  done()
}
