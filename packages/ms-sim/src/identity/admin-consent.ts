// Admin consent: GET /{tenant|organizations}/v2.0/adminconsent (and the v1-style /{tenant}/adminconsent).
// Validates client_id, the exact redirect_uri and scope; shows which tenant, which app and which
// permissions; Accept creates the service principal and grants the app roles, Cancel returns the documented
// error. Both redirects carry admin_consent=True (Microsoft sends it on errors too).
// Who is signed in comes from the session cookie of the authorize page (./session.ts): an account of another
// directory gets AADSTS50020 on Microsoft's own page; an account without Global Administrator or Privileged
// Role Administrator gets "Need admin approval" (AADSTS90094) with a way back to the app.
import { randomUUID } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { App, SimState, Tenant } from '../state.ts'
import { aadTimestamp, escapeHtml } from '../errors.ts'
import { GRAPH_APP_ROLES, GRAPH_RESOURCE } from '../graph-permissions.ts'
import { errorPage, hiddenInputs, page } from './html.ts'
import { canConsentToAppPermissions, signedInAccount } from './session.ts'

type Q = Record<string, string | undefined>
type Flavor = 'v2' | 'v1'

const PICKER = new Set(['organizations', 'common'])

interface Valid {
  client: App
  redirectUri: string
  scope: string | undefined
  /** `.default` (or v1): all required application permissions; otherwise only the listed delegated scopes. */
  appPermissions: boolean
  delegated: string[]
}

function redirect(
  reply: FastifyReply,
  redirectUri: string,
  params: [string, string | undefined][],
): FastifyReply {
  const url = new URL(redirectUri)
  for (const [k, v] of params) if (v !== undefined) url.searchParams.append(k, v)
  return reply.redirect(url.toString(), 302)
}

/** Microsoft's error redirects carry a link to its error lookup page. */
function errorUri(code: number): string {
  return `https://login.microsoftonline.com/error?code=${code}`
}

function describe(code: number, message: string, correlationId: string): string {
  return `AADSTS${code}: ${message}\r\nTrace ID: ${randomUUID()}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${aadTimestamp()}`
}

/** Validates the request; on failure it has already answered (error page, or redirect once redirect_uri is trusted). */
function validate(
  state: SimState,
  flavor: Flavor,
  q: Q,
  reply: FastifyReply,
  cid: string,
  tenantName: string,
): Valid | null {
  const fail = (code: number, msg: string): null => {
    void reply
      .code(400)
      .type('text/html')
      .send(errorPage(code, msg, cid))
    return null
  }
  if (!q.client_id) return fail(900144, "The request body must contain the following parameter: 'client_id'.")
  const client = state.getApp(q.client_id)
  if (!client) {
    return fail(
      700016,
      `Application with identifier '${q.client_id}' was not found in the directory '${tenantName}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    )
  }
  if (!q.redirect_uri)
    return fail(900144, "The request body must contain the following parameter: 'redirect_uri'.")
  if (!client.redirectUris.includes(q.redirect_uri)) {
    // Microsoft never redirects to an unregistered redirect URI: the error stays on its own page.
    return fail(
      50011,
      `The redirect URI '${q.redirect_uri}' specified in the request does not match the redirect URIs configured for the application '${client.clientId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal.`,
    )
  }
  if (flavor === 'v1')
    return { client, redirectUri: q.redirect_uri, scope: undefined, appPermissions: true, delegated: [] }
  const errRedirect = (error: string, code: number, msg: string): null => {
    void redirect(reply, q.redirect_uri ?? '', [
      ['admin_consent', 'True'],
      ['error', error],
      ['error_description', describe(code, msg, cid)],
      ['state', q.state],
    ])
    return null
  }
  if (!q.scope)
    return errRedirect(
      'invalid_request',
      900144,
      "The request body must contain the following parameter: 'scope'.",
    )
  const scopes = q.scope.split(' ').filter(Boolean)
  let appPermissions = false
  const delegated: string[] = []
  for (const s of scopes) {
    if (['openid', 'profile', 'email', 'offline_access'].includes(s)) continue
    const lower = s.toLowerCase()
    if (lower === `${GRAPH_RESOURCE}/.default`) {
      appPermissions = true
      continue
    }
    if (lower.startsWith(`${GRAPH_RESOURCE}/`) && s.length > GRAPH_RESOURCE.length + 1) {
      delegated.push(s.slice(GRAPH_RESOURCE.length + 1))
      continue
    }
    return errRedirect(
      'invalid_scope',
      70011,
      `The provided value for the input parameter 'scope' is not valid. The scope ${s} is not valid.`,
    )
  }
  return { client, redirectUri: q.redirect_uri, scope: q.scope, appPermissions, delegated }
}

/**
 * The signed-in account may consent here, or the answer has been sent: AADSTS50020 for an account of another
 * directory, "Need admin approval" (AADSTS90094) for one without an admin role when application permissions
 * are requested. Without a session the simulator assumes an administrator of `t` signs in on this page.
 */
function accountMayConsent(
  req: FastifyRequest,
  state: SimState,
  t: Tenant,
  v: Valid,
  q: Q,
  reply: FastifyReply,
  cid: string,
): boolean {
  const account = signedInAccount(req, state)
  if (!account) return true
  const { tenant, user } = account
  if (tenant.id !== t.id) {
    void reply
      .code(400)
      .type('text/html')
      .send(
        errorPage(
          50020,
          `User account '${user.userPrincipalName}' from identity provider 'https://sts.windows.net/${tenant.id}/' does not exist in tenant '${t.displayName}' and cannot access the application '${v.client.clientId}'(${v.client.displayName}) in that tenant. The account needs to be added as an external user in the tenant first. Sign out and sign in again with a different Azure Active Directory user account.`,
          cid,
        ),
      )
    return false
  }
  if (!v.appPermissions || canConsentToAppPermissions(user)) return true
  const message = `${v.client.displayName} needs permission to access resources in your organization that only an admin can grant. Please ask an admin to grant permission to this app before you can use it.`
  const back = new URL(v.redirectUri)
  for (const [k, val] of [
    ['admin_consent', 'True'],
    ['error', 'access_denied'],
    ['error_description', describe(90094, message, cid)],
    ['error_uri', errorUri(90094)],
    ['state', q.state],
  ] as const)
    if (val !== undefined) back.searchParams.append(k, val)
  void reply
    .code(200)
    .type('text/html')
    .send(
      page(
        'Need admin approval',
        `<h1>Need admin approval</h1>
<p id="error-code">AADSTS90094</p>
<p id="error-message">${escapeHtml(message)}</p>
<p class="muted">Signed in as ${escapeHtml(user.userPrincipalName)}</p>
<p><a id="return" href="${escapeHtml(back.toString())}">Return to the application without granting consent</a></p>`,
      ),
    )
  return false
}

function consentPage(t: Tenant, v: Valid, q: Q, action: string): string {
  const perms = v.appPermissions
    ? v.client.requiredGraphRoles.map((r) => {
        const d = GRAPH_APP_ROLES[r]
        return `<li class="permission"><strong>${escapeHtml(d?.description ?? r)}</strong> <span class="muted">(${escapeHtml(r)}, application permission, Microsoft Graph)</span></li>`
      })
    : []
  for (const d of v.delegated)
    perms.push(
      `<li class="permission"><strong>${escapeHtml(d)}</strong> <span class="muted">(delegated permission, Microsoft Graph)</span></li>`,
    )
  const fields = hiddenInputs({
    client_id: q.client_id,
    redirect_uri: q.redirect_uri,
    scope: q.scope,
    state: q.state,
  })
  return page(
    'Permissions requested',
    `<h1>Permissions requested</h1>
<p><strong id="app-name">${escapeHtml(v.client.displayName)}</strong></p>
<p class="muted">Accept for your organization: <strong id="tenant-name">${escapeHtml(t.displayName)}</strong> (<span id="tenant-domain">${escapeHtml(t.domains[0] ?? '')}</span>, tenant ${escapeHtml(t.id)})</p>
<p>This app would like to:</p>
<ul id="permissions">${perms.join('\n') || '<li>Sign you in</li>'}</ul>
<p class="muted">If you accept, this app will get access to the specified resources for all users in your organization. No one else will be prompted to review these permissions.</p>
<form method="post" action="${escapeHtml(action)}">${fields}
<button type="submit" name="decision" value="cancel">Cancel</button>
<button type="submit" name="decision" value="accept" class="primary">Accept</button>
</form>`,
  )
}

function pickerPage(state: SimState, q: Q, pathSuffix: string): string {
  const params = new URLSearchParams(
    Object.entries(q).filter((e): e is [string, string] => e[1] !== undefined),
  ).toString()
  const items = [...state.tenants.values()]
    .map(
      (t) =>
        `<li><a class="tenant" href="/${escapeHtml(t.id)}/${pathSuffix}?${escapeHtml(params)}">${escapeHtml(t.displayName)}</a> <span class="muted">${escapeHtml(t.domains[0] ?? '')}</span></li>`,
    )
    .join('\n')
  return page(
    'Pick an account',
    `<h1>Pick an account</h1><p class="muted">Sign in as a Global Administrator of:</p><ul id="tenants">${items}</ul>`,
  )
}

export function registerAdminConsent(app: FastifyInstance, state: SimState): void {
  const routes: [Flavor, string][] = [
    ['v2', 'v2.0/adminconsent'],
    ['v1', 'adminconsent'],
  ]
  for (const [flavor, suffix] of routes) {
    app.get<{ Params: { tenant: string }; Querystring: Q }>(`/:tenant/${suffix}`, async (req, reply) => {
      const seg = req.params.tenant
      const cid = req.sim.clientRequestId
      if (PICKER.has(seg.toLowerCase())) {
        if (!validate(state, flavor, req.query, reply, cid, seg)) return reply
        // `organizations` consents in the signed-in account's own tenant; without a session, pick one.
        const account = signedInAccount(req, state)
        if (account) {
          const params = new URLSearchParams(
            Object.entries(req.query).filter((e): e is [string, string] => e[1] !== undefined),
          )
          return reply.redirect(`/${account.tenant.id}/${suffix}?${params.toString()}`, 302)
        }
        return reply.type('text/html').send(pickerPage(state, req.query, suffix))
      }
      const t = state.resolveTenant(seg)
      if (!t) {
        return reply
          .code(400)
          .type('text/html')
          .send(
            errorPage(
              90002,
              `Tenant '${seg}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
              cid,
            ),
          )
      }
      const v = validate(state, flavor, req.query, reply, cid, t.displayName)
      if (!v) return reply
      if (!accountMayConsent(req, state, t, v, req.query, reply, cid)) return reply
      return reply.type('text/html').send(consentPage(t, v, req.query, `/${t.id}/${suffix}`))
    })

    app.post<{ Params: { tenant: string }; Body: Q }>(`/:tenant/${suffix}`, async (req, reply) => {
      const cid = req.sim.clientRequestId
      const t = state.resolveTenant(req.params.tenant)
      if (!t)
        return reply
          .code(400)
          .type('text/html')
          .send(errorPage(90002, `Tenant '${req.params.tenant}' not found.`, cid))
      const q = req.body
      const v = validate(state, flavor, q, reply, cid, t.displayName)
      if (!v) return reply
      if (!accountMayConsent(req, state, t, v, q, reply, cid)) return reply
      if (q.decision !== 'accept') {
        if (flavor === 'v1') {
          return redirect(reply, v.redirectUri, [
            ['error', 'permission_denied'],
            ['error_description', 'The admin canceled the request'],
            ['state', q.state],
          ])
        }
        const error = state.settingsFor(t).consentCancelError
        return redirect(reply, v.redirectUri, [
          ['admin_consent', 'True'],
          ['error', error],
          [
            'error_description',
            describe(65004, 'The resource owner or authorization server denied the request.', cid),
          ],
          ['error_uri', errorUri(65004)],
          ['state', q.state],
        ])
      }
      const existing = t.servicePrincipals.get(v.client.clientId)
      state.grantConsent(t.id, v.client.clientId, {
        roles: v.appPermissions ? v.client.requiredGraphRoles : (existing?.roles ?? []),
      })
      if (flavor === 'v1') {
        return redirect(reply, v.redirectUri, [
          ['tenant', t.id],
          ['state', q.state],
          ['admin_consent', 'True'],
        ])
      }
      return redirect(reply, v.redirectUri, [
        ['admin_consent', 'True'],
        ['tenant', t.id],
        ['scope', v.scope],
        ['state', q.state],
      ])
    })
  }
}
