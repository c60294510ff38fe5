import type { PolicyDefinition } from '@crosstrust/core'
import type { AttemptStatus } from '@crosstrust/services'
import { html, type SafeHtml } from '../../html/html.ts'
import { page } from '../../html/layout.ts'
import { policyTable } from '../../html/policy-wording.ts'

export interface Partner {
  name: string
  tenantId: string
}

const STEP_LABELS: Record<string, string> = {
  link_issued: 'Consent link issued',
  consent_received: 'Admin consent granted',
  access_verified: 'Access to your tenant verified',
  prerequisites_checked: 'Tenant and licences checked',
  tenant_confirmed: 'Tenant confirmed',
  policy_applied: 'Cross-tenant access settings applied',
  verified: 'Settings verified',
}
const STATUS_ICON: Record<string, string> = {
  succeeded: '✓',
  failed: '!',
  running: '…',
  pending: '',
  skipped: '–',
}

export function landingPage(opts: {
  token: string
  customerName: string
  partner: Partner
  policy: PolicyDefinition
  expiresAt: Date
}): string {
  const { partner } = opts
  return page({
    title: `Connect to ${partner.name}`,
    body: html` <h1>Set up cross-tenant access for ${partner.name}</h1>
      <p class="lead">
        ${opts.customerName}: ${partner.name} asks you to add it as a trusted organization in your Microsoft
        Entra ID cross-tenant access settings. This replaces the manual setup guide: one admin consent, and
        Crosstrust applies and verifies the settings for you.
      </p>

      <section class="panel" aria-labelledby="who">
        <h2 id="who">Who is asking</h2>
        <dl class="facts">
          <dt>Organization</dt>
          <dd><strong>${partner.name}</strong></dd>
          <dt>Tenant ID</dt>
          <dd class="mono">${partner.tenantId}</dd>
        </dl>
        <p class="muted">
          Check that this tenant ID is the one your contact at ${partner.name} gave you before you continue.
        </p>
      </section>

      <section class="panel" aria-labelledby="what">
        <h2 id="what">What will change in your tenant</h2>
        <p>
          Under
          <em>Entra ID → External Identities → Cross-tenant access settings → Organizational settings</em>,
          ${partner.name} (${partner.tenantId}) is added with these settings. Nothing else in your tenant
          changes: your default settings, other organizations, outbound access and tenant restrictions stay as
          they are.
        </p>
        ${policyTable(opts.policy, partner.name)}
        <p class="muted">
          Afterwards the list shows ${partner.name} with Inbound access “Configured”, Outbound access
          “Inherited from default” and Tenant restrictions “Inherited from default”.
        </p>
      </section>

      <section class="panel" aria-labelledby="perms">
        <h2 id="perms">Permissions requested</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">Microsoft Graph permission</th>
              <th scope="col">Type</th>
              <th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <td class="mono">Policy.ReadWrite.CrossTenantAccess</td>
              <td>Application</td>
              <td>
                To add ${partner.name} to your cross-tenant access settings, verify them, and re-check them
                regularly so drift is noticed.
              </td>
            </tr>
            <tr>
              <td class="mono">Policy.Read.All</td>
              <td>Application</td>
              <td>
                To read your Conditional Access and authorization policies, so ${partner.name} can tell you
                whether the trust settings really spare its operators a second MFA prompt, and what to change
                if not.
              </td>
            </tr>
            <tr>
              <td class="mono">Organization.Read.All</td>
              <td>Application</td>
              <td>
                To read your organization's name, verified domains and licences, so the setup can check its
                prerequisites (trust settings need Entra ID P1 or P2).
              </td>
            </tr>
          </tbody>
        </table>
        <p class="muted">
          None of these permissions can read users, groups, mail or files, or change anything but the
          cross-tenant access settings. You can remove this access at any time by deleting the enterprise
          application in your tenant.
        </p>
      </section>

      <section class="panel" aria-labelledby="before">
        <h2 id="before">Before you continue</h2>
        <ul>
          <li>
            Sign in as a <strong>Global Administrator</strong> of your organization (admin consent to
            application permissions needs it).
          </li>
          <li>
            Trust settings take effect with <strong>Microsoft Entra ID P1 or P2</strong> in your tenant
            (${partner.name} recommends P2).
          </li>
        </ul>
        <p>
          Microsoft first asks you to pick your account and sign in, so that ${partner.name} knows which
          tenant the consent is for; then it shows the permissions to accept.
        </p>
        <form method="post" action="/consent/${opts.token}/start" class="actions">
          <button type="submit">Continue to Microsoft to sign in and grant consent</button>
          <span class="muted">This link is valid until ${opts.expiresAt.toUTCString()}.</span>
        </form>
      </section>`,
  })
}

export function linkProblemPage(
  status: 'expired' | 'revoked' | 'unknown' | 'completed' | 'unusable',
  partner: Partner,
): string {
  const texts: Record<typeof status, [string, string]> = {
    expired: ['This consent link has expired', `Ask your contact at ${partner.name} for a new link.`],
    revoked: [
      'This consent link is no longer valid',
      `It was replaced or withdrawn. Ask your contact at ${partner.name} for the current link.`,
    ],
    unknown: [
      'Consent link not found',
      `Check that you copied the whole link, or ask your contact at ${partner.name} for a new one.`,
    ],
    completed: [
      'Consent was already given',
      `This link has been used. ${partner.name} now manages the setup; nothing more is needed from you.`,
    ],
    unusable: [
      'This consent link can no longer be used',
      `Ask your contact at ${partner.name} for a new link.`,
    ],
  }
  const [title, text] = texts[status]
  return page({
    title,
    body: html`<h1>${title}</h1>
      <div class="notice ${status === 'completed' ? 'ok' : 'warn'}"><p>${text}</p></div>`,
  })
}

export function invalidStatePage(reason: string, partner: Partner): string {
  const why: Record<string, string> = {
    missing: 'The response from Microsoft did not include the expected sign-in state.',
    unknown: 'The response from Microsoft does not belong to a consent request we started.',
    expired: 'The consent request took too long (more than an hour) and has expired.',
    replayed: 'This response has already been used.',
    no_consent: 'The response from Microsoft did not confirm that consent was granted.',
    other_browser:
      'The response arrived in a different browser (or with cookies blocked) from the one that opened the consent link.',
  }
  return page({
    title: 'Consent response not accepted',
    body: html`<h1>We could not accept this response</h1>
      <div class="notice bad">
        <p>${why[reason] ?? why.unknown} Nothing was changed.</p>
        <p>Open the consent link from ${partner.name} again to start over.</p>
      </div>`,
  })
}

export function declinedPage(opts: {
  attemptId: string
  title: string
  message: string
  nextStep: string
}): string {
  return page({
    title: opts.title,
    body: html`<h1>${opts.title}</h1>
      <div class="notice warn">
        <p>${opts.message}</p>
        <p>${opts.nextStep}</p>
      </div>
      <form method="post" action="/consent/result/${opts.attemptId}/retry" class="actions">
        <button type="submit">Try again</button>
      </form>`,
  })
}

/** The admin signed in with an account whose tenant this link may not bind. */
export function refusedPage(refusal: { title: string; message: string; nextStep: string }): string {
  return page({
    title: refusal.title,
    body: html`<h1>${refusal.title}</h1>
      <div class="notice bad" id="refusal">
        <p>${refusal.message}</p>
        <p>${refusal.nextStep}</p>
        <p>Nothing was changed in any tenant.</p>
      </div>`,
  })
}

/** Microsoft's sign-in did not complete (cancelled at the account picker, or a response we cannot verify). */
export function signInProblemPage(
  attemptId: string,
  kind: 'cancelled' | 'microsoft_error' | 'not_verified',
  partner: Partner,
): string {
  const texts: Record<typeof kind, [string, string]> = {
    cancelled: [
      'Sign-in cancelled',
      `You left Microsoft's sign-in before choosing an account. Nothing was changed. When you are ready, try again and sign in as a Global Administrator of your organization.`,
    ],
    microsoft_error: [
      'Microsoft did not sign you in',
      'Microsoft answered with an error instead of signing you in. Nothing was changed. Try again; if it happens again, sign in with another administrator account.',
    ],
    not_verified: [
      'The sign-in could not be verified',
      `The answer from Microsoft could not be verified, so it was not used. Nothing was changed. Try again; if it happens again, tell your contact at ${partner.name}.`,
    ],
  }
  const [title, text] = texts[kind]
  return page({
    title,
    body: html`<h1>${title}</h1>
      <div class="notice warn"><p>${text}</p></div>
      <form method="post" action="/consent/result/${attemptId}/retry" class="actions">
        <button type="submit">Try again</button>
      </form>`,
  })
}

export function stepList(status: AttemptStatus): SafeHtml {
  return html`<ol class="steps" id="steps" aria-live="polite">
    ${status.steps.map(
      (s) =>
        html`<li class="${s.status}" data-step="${s.step}">
          <span class="icon" aria-hidden="true">${STATUS_ICON[s.status] ?? ''}</span>
          <span
            ><strong>${STEP_LABELS[s.step] ?? s.step}</strong
            >${s.message ? html`<br /><span class="message">${s.message}</span>` : ''}</span
          >
          <span
            class="badge ${s.status === 'succeeded' ? 'ok' : s.status === 'failed' ? 'bad' : s.status === 'running' ? 'info' : ''}"
            >${s.status}</span
          >
        </li>`,
    )}
  </ol>`
}

export function resultPage(attemptId: string, status: AttemptStatus, partner: Partner): string {
  const done = status.partnerConfigured
  const headline = done
    ? html`<div class="notice ok" id="outcome" data-outcome="configured">
        <p>
          <strong>Configured.</strong> ${partner.name} is set up in your cross-tenant access settings and
          verified. Inbound access: Configured · Outbound access: Inherited from default · Tenant
          restrictions: Inherited from default. You can close this page.
        </p>
      </div>`
    : status.failed
      ? html`<div class="notice bad" id="outcome" data-outcome="failed">
          <p>
            <strong>The setup stopped.</strong> ${partner.name} has been notified and will contact you if
            anything is needed.
          </p>
        </div>`
      : status.awaitingConfirmation
        ? html`<div class="notice info" id="outcome" data-outcome="awaiting">
            <p>
              <strong>Consent received.</strong> Before anything is changed in your tenant, ${partner.name}
              confirms that this tenant is yours. You can close this page; the settings are applied as soon as
              they confirm, and this page shows it when you come back.
            </p>
          </div>`
        : html`<div class="notice info" id="outcome" data-outcome="running">
            <p>
              Thank you. Crosstrust is now setting up ${partner.name}; this usually takes less than a minute.
              This page updates by itself.
            </p>
          </div>`
  return page({
    title: 'Setup progress',
    refreshSeconds: done || status.failed ? undefined : 3,
    scripts: done || status.failed ? [] : ['/assets/consent-status.js'],
    body: html`<h1>Cross-tenant access setup for ${status.customerName}</h1>
      <div id="live" data-status-url="/consent/status/${attemptId}">
        ${headline}
        <section class="panel">${stepList(status)}</section>
      </div>`,
  })
}
