// The pages of admin consent: the consent page itself (which tenant, which app, which permissions), the
// tenant picker behind `organizations`, and the answers for a signed-in account that may not consent here.
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { SimState, Tenant } from '../state.ts'
import { escapeHtml } from '../errors.ts'
import { GRAPH_APP_ROLES } from '../graph-permissions.ts'
import { hiddenInputs, page, sendErrorPage } from './html.ts'
import { canConsentToAppPermissions, signedInAccount } from './session.ts'
import { aadstsDescription, errorUri } from './admin-consent-request.ts'
import type { ConsentQuery, ValidConsentRequest } from './admin-consent-request.ts'

/**
 * The signed-in account may consent here, or the answer has been sent: AADSTS50020 for an account of another
 * directory, "Need admin approval" (AADSTS90094) for one without an admin role when application permissions
 * are requested. Without a session the simulator assumes an administrator of `t` signs in on this page.
 */
export function accountMayConsent(
  req: FastifyRequest,
  state: SimState,
  t: Tenant,
  v: ValidConsentRequest,
  q: ConsentQuery,
  reply: FastifyReply,
  cid: string,
): boolean {
  const account = signedInAccount(req, state)
  if (!account) return true
  const { tenant, user } = account
  if (tenant.id !== t.id) {
    const message = `User account '${user.userPrincipalName}' from identity provider 'https://sts.windows.net/${tenant.id}/' does not exist in tenant '${t.displayName}' and cannot access the application '${v.client.clientId}'(${v.client.displayName}) in that tenant. The account needs to be added as an external user in the tenant first. Sign out and sign in again with a different Azure Active Directory user account.`
    void sendErrorPage(reply, 50020, message, cid)
    return false
  }
  if (!v.appPermissions || canConsentToAppPermissions(user)) return true
  const message = `${v.client.displayName} needs permission to access resources in your organization that only an admin can grant. Please ask an admin to grant permission to this app before you can use it.`
  const back = new URL(v.redirectUri)
  for (const [k, val] of [
    ['admin_consent', 'True'],
    ['error', 'access_denied'],
    ['error_description', aadstsDescription(90094, message, cid)],
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

export function consentPage(t: Tenant, v: ValidConsentRequest, q: ConsentQuery, action: string): string {
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

export function pickerPage(state: SimState, q: ConsentQuery, pathSuffix: string): string {
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
