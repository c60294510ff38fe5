// The page a consent link opens: who is asking, what changes in the customer's tenant (in the words of the
// Entra admin center), which permissions are requested and why, and the one button that starts the flow.
import type { PolicyDefinition } from '@crosstrust/core'
import { Layout } from '../../../html/layout.tsx'
import { describeDesired } from '../../../html/policy-wording.ts'
import { renderDocument } from '../../../html/render.ts'
import type { Partner } from './presenter.ts'

export interface LandingView {
  token: string
  customerName: string
  /** An onboarded customer's re-consent: the permissions its consent lacks (empty for a first consent). */
  newPermissions: string[]
  partner: Partner
  policy: PolicyDefinition
  expiresAt: Date
}

function PolicyTable({ policy, partnerName }: { policy: PolicyDefinition; partnerName: string }) {
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">Setting in Entra admin center</th>
          <th scope="col">Value for {partnerName}</th>
        </tr>
      </thead>
      <tbody>
        {policy.fields.map((f) => (
          <tr>
            <td>{f.label.split(':')[0]}</td>
            <td>{describeDesired(f, partnerName)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

/** Every application permission the partner app asks for, and why, in the customer admin's terms. */
function permissionReasons(partner: string): [string, string][] {
  return [
    [
      'Policy.ReadWrite.CrossTenantAccess',
      `To add ${partner} to your cross-tenant access settings, verify them, and re-check them regularly so drift is noticed.`,
    ],
    [
      'Policy.Read.All',
      `To read your Conditional Access and authorization policies, so ${partner} can tell you whether the trust settings really spare its operators a second MFA prompt, and what to change if not.`,
    ],
    [
      'Organization.Read.All',
      "To read your organization's name, verified domains and licences, so the setup can check its prerequisites (trust settings need Entra ID P1 or P2).",
    ],
    [
      'AuditLog.Read.All',
      `To read your directory audit log when the cross-tenant access settings for ${partner} drift, so ${partner} can tell who changed them and when. Used only if ${partner} turned on attribution for your organization.`,
    ],
    [
      'Directory.Read.All',
      `Microsoft requires it together with AuditLog.Read.All to read the directory audit log; ${partner} reads nothing else with it.`,
    ],
  ]
}

/** A re-consent: what is new since the first consent, and that nothing in the tenant changes. */
function WhatIsNew({ partner, permissions }: { partner: string; permissions: string[] }) {
  const reasons = new Map(permissionReasons(partner))
  return (
    <section class="panel" aria-labelledby="new" data-section="what-is-new">
      <h2 id="new">What is new</h2>
      <p>
        Your organization already trusts {partner}. {partner} now also needs{' '}
        {permissions.length === 1 ? 'this permission' : 'these permissions'}, which your first consent did not
        include:
      </p>
      <ul>
        {permissions.map((permission) => (
          <li>
            <span class="mono">{permission}</span>: {reasons.get(permission) ?? 'Requested by the app.'}
          </li>
        ))}
      </ul>
      <p class="muted">
        Consenting again grants them; your cross-tenant access settings for {partner} stay exactly as they
        are.
      </p>
    </section>
  )
}

function Permissions({ partner }: { partner: string }) {
  const rows = permissionReasons(partner)
  return (
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
          {rows.map(([permission, why]) => (
            <tr>
              <td class="mono">{permission}</td>
              <td>Application</td>
              <td>{why}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="muted">
        None of these permissions can read mail or files, or change anything but the cross-tenant access
        settings; Directory.Read.All could read users and groups, and is used only to read the audit log. You
        can remove this access at any time by deleting the enterprise application in your tenant.
      </p>
    </section>
  )
}

function LandingPage({ view }: { view: LandingView }) {
  const { partner } = view
  return (
    <Layout title={`Connect to ${partner.name}`} audience="customer">
      <h1>Set up cross-tenant access for {partner.name}</h1>
      <p class="lead">
        {view.customerName}: {partner.name} asks you to add it as a trusted organization in your Microsoft
        Entra ID cross-tenant access settings. This replaces the manual setup guide: one admin consent, and
        Crosstrust applies and verifies the settings for you.
      </p>

      {view.newPermissions.length > 0 ? (
        <WhatIsNew partner={partner.name} permissions={view.newPermissions} />
      ) : null}

      <section class="panel" aria-labelledby="who">
        <h2 id="who">Who is asking</h2>
        <dl class="facts">
          <dt>Organization</dt>
          <dd>
            <strong>{partner.name}</strong>
          </dd>
          <dt>Tenant ID</dt>
          <dd class="mono">{partner.tenantId}</dd>
        </dl>
        <p class="muted">
          Check that this tenant ID is the one your contact at {partner.name} gave you before you continue.
        </p>
      </section>

      <section class="panel" aria-labelledby="what">
        <h2 id="what">What will change in your tenant</h2>
        <p>
          Under{' '}
          <em>Entra ID → External Identities → Cross-tenant access settings → Organizational settings</em>,{' '}
          {partner.name} ({partner.tenantId}) is added with these settings. Nothing else in your tenant
          changes: your default settings, other organizations, outbound access and tenant restrictions stay as
          they are.
        </p>
        <PolicyTable policy={view.policy} partnerName={partner.name} />
        <p class="muted">
          Afterwards the list shows {partner.name} with Inbound access “Configured”, Outbound access
          “Inherited from default” and Tenant restrictions “Inherited from default”.
        </p>
      </section>

      <Permissions partner={partner.name} />

      <section class="panel" aria-labelledby="before">
        <h2 id="before">Before you continue</h2>
        <ul>
          <li>
            Sign in as a <strong>Global Administrator</strong> of your organization (admin consent to
            application permissions needs it).
          </li>
          <li>
            Trust settings take effect with <strong>Microsoft Entra ID P1 or P2</strong> in your tenant (
            {partner.name} recommends P2).
          </li>
        </ul>
        <p>
          Microsoft first asks you to pick your account and sign in, so that {partner.name} knows which tenant
          the consent is for; then it shows the permissions to accept.
        </p>
        <form method="post" action={`/consent/${view.token}/start`} class="actions">
          <button type="submit">Continue to Microsoft to sign in and grant consent</button>
          <span class="muted">This link is valid until {view.expiresAt.toUTCString()}.</span>
        </form>
      </section>
    </Layout>
  )
}

export function landingPage(view: LandingView): string {
  return renderDocument(<LandingPage view={view} />)
}
