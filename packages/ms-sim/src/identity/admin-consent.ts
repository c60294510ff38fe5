// Admin consent: GET /{tenant|organizations}/v2.0/adminconsent (and the v1-style /{tenant}/adminconsent).
// Validates client_id, the exact redirect_uri and scope; shows which tenant, which app and which
// permissions; Accept creates the service principal and grants the app roles, Cancel returns the documented
// error. Both redirects carry admin_consent=True (Microsoft sends it on errors too).
// Who is signed in comes from the session cookie of the authorize page (./session.ts): an account of another
// directory gets AADSTS50020 on Microsoft's own page; an account without Global Administrator or Privileged
// Role Administrator gets "Need admin approval" (AADSTS90094) with a way back to the app.
import type { FastifyInstance } from 'fastify'
import type { SimState } from '../state.ts'
import { sendErrorPage, tenantNotFoundMessage } from './html.ts'
import { signedInAccount } from './session.ts'
import {
  aadstsDescription,
  errorUri,
  redirectToApp,
  validateConsentRequest,
} from './admin-consent-request.ts'
import type { ConsentFlavor, ConsentQuery } from './admin-consent-request.ts'
import { accountMayConsent, consentPage, pickerPage } from './admin-consent-pages.ts'

const PICKER = new Set(['organizations', 'common'])

export function registerAdminConsent(app: FastifyInstance, state: SimState): void {
  const routes: [ConsentFlavor, string][] = [
    ['v2', 'v2.0/adminconsent'],
    ['v1', 'adminconsent'],
  ]
  for (const [flavor, suffix] of routes) {
    app.get<{ Params: { tenant: string }; Querystring: ConsentQuery }>(
      `/:tenant/${suffix}`,
      async (req, reply) => {
        const seg = req.params.tenant
        const cid = req.sim.clientRequestId
        if (PICKER.has(seg.toLowerCase())) {
          if (!validateConsentRequest(state, flavor, req.query, reply, cid, seg)) return reply
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
          return sendErrorPage(reply, 90002, tenantNotFoundMessage(seg), cid)
        }
        const v = validateConsentRequest(state, flavor, req.query, reply, cid, t.displayName)
        if (!v) return reply
        if (!accountMayConsent(req, state, t, v, req.query, reply, cid)) return reply
        return reply.type('text/html').send(consentPage(t, v, req.query, `/${t.id}/${suffix}`))
      },
    )

    app.post<{ Params: { tenant: string }; Body: ConsentQuery }>(`/:tenant/${suffix}`, async (req, reply) => {
      const cid = req.sim.clientRequestId
      const t = state.resolveTenant(req.params.tenant)
      if (!t) return sendErrorPage(reply, 90002, `Tenant '${req.params.tenant}' not found.`, cid)
      const q = req.body
      const v = validateConsentRequest(state, flavor, q, reply, cid, t.displayName)
      if (!v) return reply
      if (!accountMayConsent(req, state, t, v, q, reply, cid)) return reply
      if (q.decision !== 'accept') {
        if (flavor === 'v1') {
          return redirectToApp(reply, v.redirectUri, [
            ['error', 'permission_denied'],
            ['error_description', 'The admin canceled the request'],
            ['state', q.state],
          ])
        }
        const error = state.settingsFor(t).consentCancelError
        return redirectToApp(reply, v.redirectUri, [
          ['admin_consent', 'True'],
          ['error', error],
          [
            'error_description',
            aadstsDescription(65004, 'The resource owner or authorization server denied the request.', cid),
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
        return redirectToApp(reply, v.redirectUri, [
          ['tenant', t.id],
          ['state', q.state],
          ['admin_consent', 'True'],
        ])
      }
      return redirectToApp(reply, v.redirectUri, [
        ['admin_consent', 'True'],
        ['tenant', t.id],
        ['scope', v.scope],
        ['state', q.state],
      ])
    })
  }
}
