// Dashboard sign-in: OIDC authorization code flow with PKCE through MSAL, against the staff tenant.
//   GET  /auth/sign-in?returnTo=/path  → Microsoft's authorize endpoint (state, nonce, PKCE in a sealed cookie)
//   GET  /auth/callback?code&state     → code redeemed, id token checked, session cookie set, back to returnTo
//   POST /auth/sign-out (CSRF token)   → session cookie cleared
import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { csrfOk } from './enforce.ts'
import { principalFromClaims } from './principal.ts'
import { signedOutPage, signInFailedPage } from './pages.tsx'
import { forbidden } from './responses.ts'
import { safeReturnTo } from './return-to.ts'
import { randomId } from './session.ts'
import type { SessionStore } from './session-cookie.ts'
import type { StaffSignInClient } from '@crosstrust/microsoft'
import type { AuthSettings } from './settings.ts'
import { InvalidTokenError, type TokenVerifier } from './token-verifier.ts'

// MSAL always adds openid, profile and offline_access; nothing else is needed to sign in.
const SCOPES = ['openid', 'profile']
const SIGN_IN_RATE_LIMIT = { max: 60, timeWindow: '1 minute' }

export interface SignInDeps {
  settings: AuthSettings
  msal: StaffSignInClient
  sessions: SessionStore
  verifier: TokenVerifier
}

function sameString(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

function signInFailed(reply: FastifyReply, status: number, message: string) {
  return reply.status(status).type('text/html; charset=utf-8').send(signInFailedPage(message))
}

export function signInRoutes(app: FastifyInstance, deps: SignInDeps): void {
  const { settings, msal, sessions, verifier } = deps

  app.get<{ Querystring: { returnTo?: string } }>(
    '/auth/sign-in',
    { config: { rateLimit: SIGN_IN_RATE_LIMIT } },
    async (request, reply) => {
      const verifierValue = randomId(32)
      const pending = {
        state: randomId(32),
        nonce: randomId(32),
        verifier: verifierValue,
        returnTo: safeReturnTo(request.query.returnTo),
      }
      const url = await msal.getAuthCodeUrl({
        scopes: SCOPES,
        redirectUri: settings.redirectUri,
        // query (not form_post): the callback is then a top-level GET, which carries our SameSite=Lax cookie.
        responseMode: 'query',
        state: pending.state,
        nonce: pending.nonce,
        codeChallenge: createHash('sha256').update(verifierValue).digest('base64url'),
        codeChallengeMethod: 'S256',
      })
      await sessions.startSignIn(reply, pending)
      reply.header('cache-control', 'no-store')
      return reply.redirect(url, 302)
    },
  )

  app.get<{ Querystring: Record<string, unknown> }>(
    '/auth/callback',
    { config: { rateLimit: SIGN_IN_RATE_LIMIT } },
    async (request, reply) => {
      reply.header('cache-control', 'no-store')
      // Repeated parameters arrive as arrays: only single string values count.
      const one = (v: unknown) => (typeof v === 'string' ? v : undefined)
      const q = {
        state: one(request.query.state),
        code: one(request.query.code),
        error: one(request.query.error),
      }
      const pending = await sessions.takeSignIn(request, reply)
      if (!pending || q.state === undefined || !sameString(q.state, pending.state)) {
        return signInFailed(reply, 400, 'This sign-in expired or was started in another window.')
      }
      if (q.error !== undefined || request.query.error !== undefined) {
        // error_description is attacker-controlled; only our own words and the escaped error code are shown.
        request.log.info({ error: q.error }, 'sign-in returned an error')
        return signInFailed(
          reply,
          401,
          `Microsoft did not sign you in (${(q.error ?? 'error').slice(0, 64)}).`,
        )
      }
      if (!q.code) return signInFailed(reply, 400, 'The sign-in response has no authorization code.')

      let idToken: string
      try {
        const result = await msal.acquireTokenByCode(
          {
            code: q.code,
            scopes: SCOPES,
            redirectUri: settings.redirectUri,
            codeVerifier: pending.verifier,
            nonce: pending.nonce,
            state: pending.state,
          },
          { code: q.code, state: q.state },
        )
        idToken = result.idToken
        // The app keeps its own session; MSAL's in-memory cache would only grow with every sign-in.
        if (result.account) await msal.getTokenCache().removeAccount(result.account)
      } catch (err) {
        const e = err as { errorCode?: unknown; name?: unknown }
        request.log.warn(
          { errorCode: e.errorCode, errorName: e.name },
          'authorization code redemption failed',
        )
        return signInFailed(reply, 502, 'The sign-in could not be completed with Microsoft. Try again.')
      }

      try {
        const claims = await verifier.verify(idToken, {
          audience: [settings.clientId],
          requiredClaims: ['oid', 'nonce'],
        })
        if (claims.nonce !== pending.nonce) throw new InvalidTokenError('nonce mismatch')
        const { via: _via, ...principal } = principalFromClaims(claims, 'session')
        await sessions.create(reply, principal)
        request.log.info({ oid: principal.oid, roles: principal.roles }, 'staff signed in')
      } catch (err) {
        request.log.warn({ reason: err instanceof Error ? err.message : 'unknown' }, 'id token rejected')
        return signInFailed(reply, 401, 'The sign-in response could not be verified.')
      }
      return reply.redirect(pending.returnTo, 303)
    },
  )

  app.post('/auth/sign-out', async (request, reply) => {
    if (await sessions.read(request)) {
      if (!csrfOk(sessions, request)) return forbidden(request, reply, 'csrf_failed')
      await sessions.end(request, reply)
    }
    return reply.redirect('/auth/signed-out', 303)
  })

  app.get('/auth/signed-out', async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(signedOutPage()),
  )
}
