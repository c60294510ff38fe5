// The customer's status page and its edges: the link's page (sign in), the page itself, the removal's
// confirmation and result, and the pages that end with an explanation. Server-rendered like the consent
// pages; every value is escaped by hono/jsx and no page has an inline script or style.
import type { StatusPageView } from '@crosstrust/services'
import { Layout } from '../../../html/layout.tsx'
import { renderDocument } from '../../../html/render.ts'
import {
  DELETE_PARTNER_ENTRY_DOCS,
  OUTCOME_LABELS,
  VERDICT_LABELS,
  describeValue,
  enterpriseAppUrl,
  removalSentence,
} from './presenter.ts'

interface Partner {
  name: string
}

/** What the removal pages need beyond the name: our app and our tenant, as the admin finds them in Entra. */
interface PartnerIds {
  appClientId: string
  partnerTenantId: string
}

function Notice(props: { tone: 'ok' | 'warn' | 'bad'; title: string; lines: string[] }) {
  return (
    <Layout title={props.title} audience="customer">
      <h1>{props.title}</h1>
      <div class={`notice ${props.tone}`}>
        {props.lines.map((line) => (
          <p>{line}</p>
        ))}
      </div>
    </Layout>
  )
}

/** Before sign-in, nothing names the customer: a leaked link must not reveal the business relationship. */
export function linkPage(opts: { token: string; partner: Partner }): string {
  return renderDocument(
    <Layout title="Partner configuration status" audience="customer">
      <h1>Partner configuration status</h1>
      <p>
        This page shows what {opts.partner.name} configured in your tenant’s cross-tenant access settings,
        whether it still matches, and lets your administrator remove it.
      </p>
      <p>
        Sign in with a work account of your own tenant; only that tenant’s status is shown. Any member of that
        tenant who has this link can see it; only a Global Administrator or Security Administrator can remove
        the configuration.
      </p>
      <form method="post" action={`/status/${opts.token}/sign-in`} class="actions">
        <button type="submit">Sign in with Microsoft</button>
      </form>
    </Layout>,
  )
}

export function linkGonePage(partner: Partner): string {
  return renderDocument(
    <Notice
      tone="bad"
      title="This link no longer works"
      lines={[
        'This status page link was revoked or replaced by a newer one.',
        `Ask ${partner.name} for the current link.`,
      ]}
    />,
  )
}

export function signedOutPage(reason: 'none' | 'expired', partner: Partner): string {
  return renderDocument(
    <Notice
      tone="warn"
      title={reason === 'expired' ? 'Your session ended' : 'Please sign in'}
      lines={[`Open the status page link from ${partner.name} again and sign in.`]}
    />,
  )
}

export function wrongTenantPage(username: string | null, partner: Partner): string {
  return renderDocument(
    <Notice
      tone="bad"
      title="This account cannot see this status page"
      lines={[
        `${username ?? 'The account you signed in with'} belongs to a different tenant than the one this status page is for. Nothing is shown.`,
        `Sign in with an account of the tenant ${partner.name} manages for you, or ask ${partner.name} for help.`,
      ]}
    />,
  )
}

export function invalidStatePage(
  reason: 'missing' | 'unknown' | 'expired' | 'replayed' | 'other_browser',
  partner: Partner,
): string {
  // Another browser is worth naming: the admin may have copied the sign-in link to a second browser.
  const why =
    reason === 'other_browser'
      ? 'This sign-in was started in another browser; finish it there, or start over in this one.'
      : 'The sign-in response was already used, has expired, or was started in another browser.'
  return renderDocument(
    <Layout title="We could not accept this sign-in" audience="customer">
      <h1>We could not accept this sign-in</h1>
      <div class="notice bad" data-reason={reason}>
        <p>{why}</p>
        <p>Open the status page link from {partner.name} again to start over.</p>
      </div>
    </Layout>,
  )
}

export function signInFailedPage(cancelled: boolean, partner: Partner): string {
  return renderDocument(
    <Notice
      tone="warn"
      title={cancelled ? 'Sign-in cancelled' : 'Sign-in did not complete'}
      lines={[`Open the status page link from ${partner.name} again to try once more.`]}
    />,
  )
}

function SettingsTable({ view }: { view: StatusPageView }) {
  return (
    <table class="data-table">
      <thead>
        <tr>
          <th>Setting</th>
          <th>Agreed</th>
          <th>In your tenant</th>
          <th>Matches</th>
        </tr>
      </thead>
      <tbody>
        {view.settings.map((row) => (
          <tr data-path={row.path}>
            <td>{row.label}</td>
            <td>{describeValue(row.expected)}</td>
            <td>{describeValue(row.observed)}</td>
            <td>{row.matches === null ? '—' : row.matches ? 'Yes' : 'No'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

function TrustSection({ view }: { view: StatusPageView }) {
  const { trust } = view
  if (trust === null) return <p>No verdict yet.</p>
  return (
    <div data-verdict={trust.verdict}>
      <p>
        <strong>{VERDICT_LABELS[trust.verdict] ?? trust.verdict}</strong>: {trust.reason}
      </p>
      {trust.fix === null ? null : <p>Fix: {trust.fix}</p>}
      <ul>
        {trust.findings.map((f) => (
          <li>
            {f.reason}
            {f.fix === null ? '' : ` Fix: ${f.fix}`}
          </li>
        ))}
      </ul>
      <p class="muted">Evaluated {trust.evaluatedAt.toISOString()}</p>
    </div>
  )
}

function History({ view }: { view: StatusPageView }) {
  if (view.history.length === 0) return <p>No changes yet.</p>
  return (
    <ul class="history">
      {view.history.map((item) => (
        <li>
          {item.at.toISOString()}: {item.what}
          {item.outcome === null ? '' : ` (${OUTCOME_LABELS[item.outcome] ?? item.outcome})`}
          {item.attribution.map((sentence) => (
            <div class="muted">{sentence}</div>
          ))}
        </li>
      ))}
    </ul>
  )
}

/** The customer's last step, shown only once our entry is gone (deleting the app first strands the entry). */
function DeleteAppStep(props: { partner: Partner; ids: PartnerIds }) {
  const { partner, ids } = props
  return (
    <div data-step="delete-app">
      <h3>Last step: remove the application</h3>
      <p>
        In the Microsoft Entra admin center, open Enterprise applications, find application ID{' '}
        <code>{ids.appClientId}</code> and delete it. That revokes the access you granted to {partner.name}.
      </p>
      <p>
        <a href={enterpriseAppUrl(ids.appClientId)} rel="noopener noreferrer" target="_blank">
          Open the application in the Entra admin center
        </a>
      </p>
      <p class="muted">
        Signing in to this page after that asks you to consent again (sign-in and profile only) and, if your
        tenant lets users consent, adds the application back.
      </p>
    </div>
  )
}

/** Our entry could not be deleted (access lost): the admin deletes it themselves. */
function DeleteEntryStep(props: { partner: Partner; ids: PartnerIds }) {
  const { partner, ids } = props
  return (
    <div data-step="delete-entry">
      <h3>Delete the partner entry yourself</h3>
      <p>
        In the Microsoft Entra admin center, open Cross-tenant access settings, then Organizational settings,
        find the organization with tenant ID <code>{ids.partnerTenantId}</code> ({partner.name}) and delete
        it. Then delete the application with ID <code>{ids.appClientId}</code> under Enterprise applications,
        if it is still there.
      </p>
      <p>
        <a href={DELETE_PARTNER_ENTRY_DOCS} rel="noopener noreferrer" target="_blank">
          How to remove an organization (Microsoft Learn)
        </a>
      </p>
    </div>
  )
}

function RemovalSection(props: { view: StatusPageView; partner: Partner; ids: PartnerIds }) {
  const { view, partner, ids } = props
  if (view.removal !== null) {
    const { entry } = view.removal
    return (
      <div class="notice warn" data-removed={view.removal.by} data-entry={entry}>
        <p>{removalSentence(view.removal, partner.name)}</p>
        {entry === 'gone' ? <DeleteAppStep partner={partner} ids={ids} /> : null}
        {entry === 'left_in_tenant' || entry === 'unknown' ? (
          <DeleteEntryStep partner={partner} ids={ids} />
        ) : null}
      </div>
    )
  }
  if (!view.permission.allowed) {
    return (
      <div class="notice warn" data-removal="refused">
        <p>{view.permission.explanation}</p>
      </div>
    )
  }
  return (
    <form method="get" action="/status/view/remove" class="actions">
      <button type="submit">Remove {partner.name}’s configuration…</button>
    </form>
  )
}

export function statusPage(opts: { view: StatusPageView; partner: Partner; ids: PartnerIds }): string {
  const { view, partner, ids } = opts
  return renderDocument(
    <Layout title="Partner configuration status" audience="customer">
      <h1>
        {partner.name} in {view.customerName}’s tenant
      </h1>
      <p class="muted">Signed in as {view.signedInAs}.</p>
      <p data-status={view.status.code}>
        Status: <strong>{view.status.label}</strong>
        {view.matches === null
          ? ''
          : view.matches
            ? ' · matches the agreed configuration'
            : ' · differs from the agreed configuration'}
      </p>
      <p>Last checked: {view.lastCheckAt === null ? 'not yet' : view.lastCheckAt.toISOString()}</p>
      <h2>What is configured for {partner.name}</h2>
      <SettingsTable view={view} />
      <h2>Does the trust take effect?</h2>
      <TrustSection view={view} />
      <h2>History</h2>
      <History view={view} />
      <h2>Remove the configuration</h2>
      <RemovalSection view={view} partner={partner} ids={ids} />
      <form method="post" action="/status/view/sign-out" class="actions">
        <button type="submit" class="secondary">
          Sign out
        </button>
      </form>
    </Layout>,
  )
}

export function confirmRemovalPage(opts: { view: StatusPageView; partner: Partner; csrf: string }): string {
  const { partner } = opts
  return renderDocument(
    <Layout title="Remove the partner configuration" audience="customer">
      <h1>Remove {partner.name}’s configuration?</h1>
      <div class="notice warn">
        <p>
          {partner.name} will delete its partner entry from your cross-tenant access settings, check that it
          is gone and stop monitoring your tenant. {partner.name} is told.
        </p>
        <p>
          Keep the {partner.name} application until this page says the configuration is removed: without it,{' '}
          {partner.name} cannot delete its entry. Then remove the application from your Enterprise
          applications.
        </p>
      </div>
      <form method="post" action="/status/view/remove" class="actions">
        <input type="hidden" name="csrf" value={opts.csrf} />
        <input type="hidden" name="confirm" value="remove" />
        <button type="submit" class="danger">
          Yes, remove it
        </button>
        <a href="/status/view">Cancel</a>
      </form>
    </Layout>,
  )
}

export function removalQueuedPage(opts: { partner: Partner }): string {
  const { partner } = opts
  return renderDocument(
    <Layout title="Removal requested" audience="customer">
      <h1>Removal requested</h1>
      <div class="notice ok" data-removal="queued">
        <p>
          {partner.name} is deleting its partner entry from your tenant and will stop checking it. The status
          page shows when it is done.
        </p>
      </div>
      <h2>Wait before you remove the application</h2>
      <p>
        Do not delete the {partner.name} application yet: {partner.name} needs its access to delete the entry.
        When the status page says the configuration is removed, it shows how to delete the application.
      </p>
      <p>
        <a href="/status/view">Back to the status page</a>
      </p>
    </Layout>,
  )
}

export function removalRefusedPage(explanation: string): string {
  return renderDocument(<Notice tone="bad" title="Removal not allowed" lines={[explanation]} />)
}

export function badFormPage(): string {
  return renderDocument(
    <Notice
      tone="bad"
      title="Nothing was changed"
      lines={['This form was not sent from your status page. Open the status page and try again.']}
    />,
  )
}
