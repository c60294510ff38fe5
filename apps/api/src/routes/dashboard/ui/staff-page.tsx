// The frame around every dashboard page on the shared Layout: navigation, who is signed in (with the
// sign-out form), the one-time flash message, and the CSRF field every form carries.
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Child } from 'hono/jsx'
import { satisfies } from '../../../auth/index.ts'
import { Layout } from '../../../html/layout.tsx'
import { renderDocument } from '../../../html/render.ts'
import type { Flash, FlashStore } from '../flash.ts'

export type Section = 'overview' | 'customers' | 'audit' | 'policy' | 'webhooks'

/** What the pages need to know about the signed-in person: what they may do, and the form token. */
export interface StaffViewer {
  /** The session's CSRF token; null for bearer callers (no session, no token needed). */
  csrfToken: string | null
  operator: boolean
  admin: boolean
  name: string
  username: string
}

export function staffViewer(request: FastifyRequest): StaffViewer {
  const p = request.principal
  const has = (role: 'Operator' | 'Admin') => p !== null && satisfies(p.roles, role)
  return {
    csrfToken: p?.via === 'session' ? request.csrfToken() : null,
    operator: has('Operator'),
    admin: has('Admin'),
    name: p?.name ?? '',
    username: p?.username ?? '',
  }
}

/** The session's CSRF token as a hidden field (nothing for bearer callers). */
export function CsrfField({ token }: { token: string | null }) {
  return token === null ? null : <input type="hidden" name="_csrf" value={token} />
}

/** A one-button POST form (progressive enhancement: it works without scripts). */
export function PostButton(props: {
  action: string
  csrfToken: string | null
  dataAction?: string
  buttonClass?: string
  title?: string | undefined
  children: Child
}) {
  return (
    <form method="post" action={props.action} class="inline" data-action={props.dataAction}>
      <CsrfField token={props.csrfToken} />
      <button type="submit" class={props.buttonClass || undefined} title={props.title || undefined}>
        {props.children}
      </button>
    </form>
  )
}

const NAV: readonly (readonly [Section, string, string])[] = [
  ['overview', '/', 'Overview'],
  ['customers', '/customers', 'Customers'],
  ['audit', '/audit', 'Audit log'],
  ['policy', '/settings/policy', 'Policy'],
  ['webhooks', '/webhooks', 'Webhooks'],
]

function StaffNav({ viewer, current }: { viewer: StaffViewer; current: Section }) {
  const role = viewer.admin ? 'Admin' : viewer.operator ? 'Operator' : 'Viewer'
  return (
    <>
      <nav aria-label="Main">
        {NAV.filter(([section]) => section !== 'webhooks' || viewer.admin).map(([section, href, label]) => (
          <a href={href} aria-current={section === current ? 'page' : undefined}>
            {label}
          </a>
        ))}
      </nav>
      <div class="who">
        <span class="person" title={viewer.username}>
          {viewer.name || viewer.username || 'Signed in'} <span class="role">{role}</span>
        </span>
        <form method="post" action="/auth/sign-out" class="inline">
          <CsrfField token={viewer.csrfToken} />
          <button type="submit" class="link">
            Sign out
          </button>
        </form>
      </div>
    </>
  )
}

export function FlashNotice({ flash }: { flash: Flash | null }) {
  if (!flash) return null
  return (
    <div class={`notice ${flash.tone} flash`} role={flash.tone === 'bad' ? 'alert' : 'status'}>
      <p>{flash.text}</p>
      {flash.reveal ? (
        <div class="reveal">
          <label for="revealed">{flash.reveal.label}</label>
          <div class="copy-row">
            <input
              id="revealed"
              class="mono"
              type="text"
              readonly
              value={flash.reveal.value}
              data-copy-source
            />
            <button type="button" class="secondary" data-copy-target="revealed" hidden>
              Copy
            </button>
          </div>
          <p class="hint">Shown once. Copy it now: it cannot be displayed again.</p>
        </div>
      ) : null}
    </div>
  )
}

export interface StaffPage {
  title: string
  section: Section
  body: Child
  /** Where this browser's one-time message waits (taken, so it shows once); none on error pages. */
  flash?: FlashStore
  /** Pages waiting for something (onboarding in progress) refresh themselves. */
  refreshSeconds?: number
}

/** Sends a dashboard page. Staff pages hold customer data and one-time secrets: never cached. */
export async function sendStaffPage(
  request: FastifyRequest,
  reply: FastifyReply,
  p: StaffPage,
  status = 200,
) {
  const viewer = staffViewer(request)
  const flash = p.flash ? await p.flash.take(request, reply) : null
  // A value shown once must not vanish under a self-refresh (the no-script refresh cannot check).
  const refreshSeconds = flash?.reveal ? undefined : p.refreshSeconds
  return reply
    .status(status)
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(
      renderDocument(
        <Layout
          title={p.title}
          audience="staff"
          nav={<StaffNav viewer={viewer} current={p.section} />}
          scripts={['/assets/dashboard.js']}
          refreshSeconds={refreshSeconds}
        >
          <FlashNotice flash={flash} />
          {p.body}
        </Layout>,
      ),
    )
}
