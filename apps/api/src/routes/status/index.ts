import {
  STATUS_SESSION_COOKIE,
  beginStatusSignIn,
  completeStatusSignIn,
  endStatusSession,
  findStatusSession,
  inspectStatusLink,
  removeByCustomer,
  statusCsrfToken,
  statusPageView,
  statusSignInCookieName,
  statusSignInQuery,
  type StatusSession,
} from '@crosstrust/services'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { customerAdmin } from '../customer-admin-actor.ts'
import type { StatusRouteDeps } from './deps.ts'
import {
  badFormPage,
  confirmRemovalPage,
  invalidStatePage,
  linkGonePage,
  linkPage,
  removalQueuedPage,
  removalRefusedPage,
  signInFailedPage,
  signedOutPage,
  statusPage,
  wrongTenantPage,
} from './pages/pages.tsx'

const tokenParams = z.object({ token: z.string().max(256) })
const removeBody = z.object({ csrf: z.string().max(128).optional(), confirm: z.string().max(16).optional() })

/**
 * The customer's status page, registered with the `/status` prefix: the link's page, the admin's own
 * Microsoft sign-in (separate redirect URI, never the staff session), the page, and self-service removal.
 * Rate limited like the consent pages; never cached.
 */
export function statusRoutes(app: FastifyInstance, deps: StatusRouteDeps, done: () => void): void {
  const { ctx, partner } = deps
  const ids = { appClientId: deps.status.appClientId, partnerTenantId: deps.status.partnerTenantId }
  const limited = (max: number) => ({ rateLimit: { max, timeWindow: '1 minute' } })
  const secure = deps.publicBaseUrl.startsWith('https:')
  const cookie = (maxAge: number) => ({
    path: '/status',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure,
    maxAge,
  })
  const html = (reply: FastifyReply, status: number, body: string) =>
    reply.status(status).type('text/html; charset=utf-8').send(body)
  const sessionSecret = (request: FastifyRequest) => request.cookies[STATUS_SESSION_COOKIE]

  /** The signed-in admin's session, or the page explaining why there is none. */
  async function requireSession(
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<{ session: StatusSession; secret: string } | null> {
    const secret = sessionSecret(request)
    const found = await findStatusSession(ctx, secret)
    if (found.status === 'active' && secret !== undefined) return { session: found.session, secret }
    if (found.status === 'link_revoked') await html(reply, 410, linkGonePage(partner))
    else await html(reply, 401, signedOutPage(found.status === 'expired' ? 'expired' : 'none', partner))
    return null
  }

  app.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', 'no-store')
  })

  app.get('/:token', { schema: { params: tokenParams }, config: limited(60) }, async (request, reply) => {
    const { token } = request.params as z.infer<typeof tokenParams>
    const link = await inspectStatusLink(ctx, token)
    if (link.status !== 'valid')
      return html(reply, link.status === 'revoked' ? 410 : 404, linkGonePage(partner))
    return html(reply, 200, linkPage({ token, partner }))
  })

  app.post(
    '/:token/sign-in',
    { schema: { params: tokenParams }, config: limited(20) },
    async (request, reply) => {
      const { token } = request.params as z.infer<typeof tokenParams>
      const started = await beginStatusSignIn(ctx, deps.status, token)
      if (!('redirectUrl' in started))
        return html(reply, started.status === 'revoked' ? 410 : 404, linkGonePage(partner))
      // Binds this sign-in to this browser (HttpOnly, SameSite=Lax: sent on Microsoft's top-level GET back).
      return reply
        .setCookie(started.cookieName, started.browserSecret, cookie(started.ttlSeconds))
        .redirect(started.redirectUrl, 303)
    },
  )

  app.get(
    '/signed-in',
    { schema: { querystring: statusSignInQuery }, config: limited(30) },
    async (request, reply) => {
      const query = request.query as z.infer<typeof statusSignInQuery>
      // The sign-in's binding cookie has done its job whatever the outcome: cleared, so attempts do not pile
      // up in the Cookie header. Its name is known once the service has found the sign-in it asks about.
      let bindingCookie: string | undefined
      const result = await completeStatusSignIn(
        ctx,
        deps.status,
        query,
        (id) => {
          bindingCookie = statusSignInCookieName(id)
          return request.cookies[bindingCookie]
        },
        customerAdmin(request),
      )
      if (bindingCookie !== undefined && request.cookies[bindingCookie] !== undefined)
        void reply.clearCookie(bindingCookie, { path: '/status' })
      switch (result.kind) {
        case 'invalid_state':
          return html(reply, 400, invalidStatePage(result.reason, partner))
        case 'link_revoked':
          return html(reply, 410, linkGonePage(partner))
        case 'sign_in_failed':
          return html(reply, result.cancelled ? 200 : 401, signInFailedPage(result.cancelled, partner))
        case 'wrong_tenant':
          return html(reply, 403, wrongTenantPage(result.username, partner))
        case 'signed_in':
          // Signing in again in this browser replaces the session: the old one ends now, not at its expiry.
          await endStatusSession(ctx, sessionSecret(request))
          return reply
            .setCookie(STATUS_SESSION_COOKIE, result.sessionSecret, cookie(result.ttlSeconds))
            .redirect('/status/view', 303)
      }
    },
  )

  app.get('/view', { config: limited(120) }, async (request, reply) => {
    const signedIn = await requireSession(request, reply)
    if (!signedIn) return reply
    const view = await statusPageView(ctx, signedIn.session)
    return html(reply, 200, statusPage({ view, partner, ids }))
  })

  app.get('/view/remove', { config: limited(30) }, async (request, reply) => {
    const signedIn = await requireSession(request, reply)
    if (!signedIn) return reply
    const view = await statusPageView(ctx, signedIn.session)
    if (view.removal !== null) return reply.redirect('/status/view', 303)
    if (!view.permission.allowed) return html(reply, 403, removalRefusedPage(view.permission.explanation))
    return html(reply, 200, confirmRemovalPage({ view, partner, csrf: statusCsrfToken(signedIn.secret) }))
  })

  app.post('/view/remove', { schema: { body: removeBody }, config: limited(10) }, async (request, reply) => {
    const body = request.body as z.infer<typeof removeBody>
    const result = await removeByCustomer(
      ctx,
      { sessionSecret: sessionSecret(request), formToken: body.csrf, confirmed: body.confirm === 'remove' },
      customerAdmin(request),
    )
    switch (result.kind) {
      case 'no_session':
        return html(reply, 401, signedOutPage('none', partner))
      case 'link_revoked':
        return html(reply, 410, linkGonePage(partner))
      case 'bad_form':
        return html(reply, 403, badFormPage())
      case 'not_allowed':
        return html(reply, 403, removalRefusedPage(result.explanation))
      case 'already_removed':
        return reply.redirect('/status/view', 303)
      case 'queued':
        return html(reply, 202, removalQueuedPage({ partner }))
    }
  })

  app.post('/view/sign-out', { config: limited(30) }, async (request, reply) => {
    await endStatusSession(ctx, sessionSecret(request))
    return reply
      .clearCookie(STATUS_SESSION_COOKIE, { path: '/status' })
      .status(200)
      .type('text/html; charset=utf-8')
      .send(signedOutPage('none', partner))
  })
  done()
}
