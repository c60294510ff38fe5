// Staff sign-in: GET /{tenant}/oauth2/v2.0/authorize shows the tenant's users as buttons (a simulated
// "pick an account"); choosing one issues an authorization code bound to the PKCE challenge and redirects
// (query or form_post) with `code` and `state`, and sets the simulated sign-in session cookie. The picker's
// Back button answers `error=access_denied&error_subcode=cancel`.
import { randomBytes } from 'node:crypto'
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { App, SimState, Tenant } from '../state.ts'
import { escapeHtml } from '../errors.ts'
import { formPost, hiddenInputs, page, sendErrorPage, tenantNotFoundMessage } from './html.ts'
import { sessionCookie } from './session.ts'

type Q = Record<string, string | undefined>

const MULTI = new Set(['common', 'organizations'])
const PASS_THROUGH = [
  'client_id',
  'redirect_uri',
  'response_type',
  'response_mode',
  'scope',
  'state',
  'nonce',
  'code_challenge',
  'code_challenge_method',
  'prompt',
  'login_hint',
]

interface Checked {
  tenants: Tenant[]
  client: App
  redirectUri: string
}

function check(state: SimState, seg: string, q: Q, reply: FastifyReply, cid: string): Checked | null {
  const tenants = MULTI.has(seg.toLowerCase())
    ? [...state.tenants.values()]
    : [state.resolveTenant(seg)].filter((t): t is Tenant => !!t)
  if (tenants.length === 0) {
    void sendErrorPage(reply, 90002, tenantNotFoundMessage(seg), cid)
    return null
  }
  if (!q.client_id) {
    void sendErrorPage(
      reply,
      900144,
      "The request body must contain the following parameter: 'client_id'.",
      cid,
    )
    return null
  }
  const client = state.getApp(q.client_id)
  if (!client) {
    const directory = tenants[0]?.displayName ?? seg
    const message = `Application with identifier '${q.client_id}' was not found in the directory '${directory}'.`
    void sendErrorPage(reply, 700016, message, cid)
    return null
  }
  if (!q.redirect_uri || !client.redirectUris.includes(q.redirect_uri)) {
    const message = `The redirect URI '${q.redirect_uri ?? ''}' specified in the request does not match the redirect URIs configured for the application '${client.clientId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal.`
    void sendErrorPage(reply, 50011, message, cid)
    return null
  }
  const allowed =
    client.signInAudience === 'AzureADMyOrg' ? tenants.filter((t) => t.id === client.homeTenantId) : tenants
  return { tenants: allowed, client, redirectUri: q.redirect_uri }
}

function redirectWith(
  reply: FastifyReply,
  redirectUri: string,
  mode: string | undefined,
  params: Record<string, string | undefined>,
): FastifyReply {
  if (mode === 'form_post') return reply.type('text/html').send(formPost(redirectUri, params))
  const url = new URL(redirectUri)
  if (mode === 'fragment') {
    const frag = new URLSearchParams(
      Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined),
    )
    url.hash = frag.toString()
  } else {
    for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.append(k, v)
  }
  return reply.redirect(url.toString(), 302)
}

export function registerAuthorize(app: FastifyInstance, state: SimState): void {
  app.get<{ Params: { tenant: string }; Querystring: Q }>(
    '/:tenant/oauth2/v2.0/authorize',
    async (req, reply) => {
      const q = req.query
      const c = check(state, req.params.tenant, q, reply, req.sim.clientRequestId)
      if (!c) return reply
      if (q.response_type !== 'code') {
        return redirectWith(reply, c.redirectUri, q.response_mode, {
          error: 'unsupported_response_type',
          error_description: `AADSTS70005: The provided value for the input parameter 'response_type' is not allowed for this request. Expected value: 'code'.`,
          state: q.state,
        })
      }
      const fields = Object.fromEntries(PASS_THROUGH.map((k) => [k, q[k]]))
      const rows = c.tenants
        .flatMap((t) => [...t.users.values()].map((u) => ({ t, u })))
        .map(
          ({
            t,
            u,
          }) => `<li><form method="post" action="/${escapeHtml(t.id)}/oauth2/v2.0/authorize">${hiddenInputs({ ...fields, user_id: u.id })}
<button type="submit" class="user">${escapeHtml(u.displayName)}</button> <span class="muted">${escapeHtml(u.userPrincipalName)}</span></form></li>`,
        )
        .join('\n')
      return reply.type('text/html').send(
        page(
          'Pick an account',
          `<h1>Pick an account</h1><p class="muted">to continue to ${escapeHtml(c.client.displayName)}</p>
<ul id="accounts">${rows || '<li>No users in this tenant.</li>'}</ul>
<form method="get" action="${escapeHtml(c.redirectUri)}">${hiddenInputs({ error: 'access_denied', error_subcode: 'cancel', state: q.state })}<button type="submit" id="back">Back</button></form>`,
        ),
      )
    },
  )

  app.post<{ Params: { tenant: string }; Body: Q }>('/:tenant/oauth2/v2.0/authorize', async (req, reply) => {
    const q = req.body
    const c = check(state, req.params.tenant, q, reply, req.sim.clientRequestId)
    if (!c) return reply
    const t = c.tenants.find((x) => x.users.has((q.user_id ?? '').toLowerCase()))
    const user = t?.users.get((q.user_id ?? '').toLowerCase())
    if (!t || !user)
      return sendErrorPage(
        reply,
        50034,
        'The user account does not exist in the directory.',
        req.sim.clientRequestId,
      )
    if (q.code_challenge && q.code_challenge_method && !['S256', 'plain'].includes(q.code_challenge_method)) {
      return redirectWith(reply, c.redirectUri, q.response_mode, {
        error: 'invalid_request',
        error_description: 'AADSTS501491: Invalid code_challenge_method.',
        state: q.state,
      })
    }
    // The browser is now signed in at "Microsoft": later pages (admin consent) know who is there.
    void reply.header('set-cookie', sessionCookie(t.id, user.id))
    const code = randomBytes(48).toString('base64url')
    if (state.authCodes.size > 50_000) state.authCodes.clear()
    state.authCodes.set(code, {
      code,
      tenantId: t.id,
      clientId: c.client.clientId,
      userId: user.id,
      redirectUri: c.redirectUri,
      scope: q.scope ?? 'openid profile',
      nonce: q.nonce ?? null,
      codeChallenge: q.code_challenge ?? null,
      codeChallengeMethod: q.code_challenge ? (q.code_challenge_method ?? 'plain') : null,
      expiresMs: Date.now() + 10 * 60_000,
    })
    return redirectWith(reply, c.redirectUri, q.response_mode, {
      code,
      client_info: Buffer.from(JSON.stringify({ uid: user.id, utid: t.id })).toString('base64url'),
      state: q.state,
      session_state: randomBytes(16).toString('hex'),
    })
  })

  app.get<{ Params: { tenant: string }; Querystring: Q }>(
    '/:tenant/oauth2/v2.0/logout',
    async (req, reply) => {
      const target = req.query.post_logout_redirect_uri
      if (target && /^https?:\/\//i.test(target)) return reply.redirect(target, 302)
      return reply.type('text/html').send(page('Signed out', '<h1>You signed out of your account</h1>'))
    },
  )
}
