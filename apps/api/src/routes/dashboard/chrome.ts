// The frame around every dashboard page: navigation, who is signed in (with the sign-out form), the
// one-time flash message, and the CSRF field every form carries.
import type { FastifyReply, FastifyRequest } from 'fastify'
import { satisfies, type Role } from '../../auth/index.ts'
import { html, type SafeHtml } from '../../html/html.ts'
import { page } from '../../html/layout.ts'
import type { Flash } from './flash.ts'

export type Section = 'overview' | 'customers' | 'audit' | 'policy' | 'webhooks'

/** The session's CSRF token as a hidden field (nothing for bearer callers: they have no session and need none). */
export function csrfField(request: FastifyRequest): SafeHtml {
  if (request.principal?.via !== 'session') return html``
  return html`<input type="hidden" name="_csrf" value="${request.csrfToken()}" />`
}

export function can(request: FastifyRequest, role: Role): boolean {
  return request.principal !== null && satisfies(request.principal.roles, role)
}

/** The highest role of the signed-in person, for the badge next to their name. */
function roleOf(request: FastifyRequest): string {
  if (can(request, 'Admin')) return 'Admin'
  if (can(request, 'Operator')) return 'Operator'
  return 'Viewer'
}

function nav(request: FastifyRequest, current: Section): SafeHtml {
  const link = (section: Section, href: string, label: string) =>
    html`<a href="${href}" ${section === current ? html`aria-current="page"` : ''}>${label}</a>`
  const who = request.principal
  return html`<nav aria-label="Main">
      ${link('overview', '/', 'Overview')} ${link('customers', '/customers', 'Customers')}
      ${link('audit', '/audit', 'Audit log')} ${link('policy', '/settings/policy', 'Policy')}
      ${can(request, 'Admin') ? link('webhooks', '/webhooks', 'Webhooks') : ''}
    </nav>
    <div class="who">
      <span class="person" title="${who?.username ?? ''}"
        >${who?.name || who?.username || 'Signed in'} <span class="role">${roleOf(request)}</span></span
      >
      <form method="post" action="/auth/sign-out" class="inline">
        ${csrfField(request)}
        <button type="submit" class="link">Sign out</button>
      </form>
    </div>`
}

export function flashNotice(flash: Flash | null): SafeHtml {
  if (!flash) return html``
  return html`<div class="notice ${flash.tone} flash" role="${flash.tone === 'bad' ? 'alert' : 'status'}">
    <p>${flash.text}</p>
    ${
      flash.reveal
        ? html`<div class="reveal">
            <label for="revealed">${flash.reveal.label}</label>
            <div class="copy-row">
              <input
                id="revealed"
                class="mono"
                type="text"
                readonly
                value="${flash.reveal.value}"
                data-copy-source
              />
              <button type="button" class="secondary" data-copy-target="revealed" hidden>Copy</button>
            </div>
            <p class="hint">Shown once. Copy it now: it cannot be displayed again.</p>
          </div>`
        : ''
    }
  </div>`
}

export interface StaffPage {
  title: string
  section: Section
  body: SafeHtml
  flash?: Flash | null
  /** Pages waiting for something (onboarding in progress) refresh themselves. */
  refreshSeconds?: number
}

/** Sends a dashboard page. Staff pages hold customer data and one-time secrets: never cached. */
export function sendPage(request: FastifyRequest, reply: FastifyReply, p: StaffPage, status = 200) {
  return reply
    .status(status)
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(
      page({
        title: p.title,
        audience: 'staff',
        nav: nav(request, p.section),
        scripts: ['/assets/dashboard.js'],
        body: html`${flashNotice(p.flash ?? null)}${p.body}`,
        // A value shown once must not vanish under a self-refresh (the no-script refresh cannot check).
        ...(p.refreshSeconds === undefined || p.flash?.reveal ? {} : { refreshSeconds: p.refreshSeconds }),
      }),
    )
}
