// Webhook endpoints (Admins only: their URLs are credentials): the list, each with a confirmed delete, and
// the form that adds one (its signing secret is shown once, after the redirect).
import { Badge, TimeAgo } from '../ui/badges.tsx'
import { DataTable, type Column } from '../ui/data-table.tsx'
import { PageHead, SubmitRow } from '../ui/page-parts.tsx'
import { ErrorSummary, SelectField, TextField } from '../ui/fields.tsx'
import { CsrfField } from '../ui/staff-page.tsx'
import type { EndpointRow, WebhooksView } from './presenter.ts'

function DeleteEndpoint({ endpoint: e, csrfToken }: { endpoint: EndpointRow; csrfToken: string | null }) {
  return (
    <details class="popover right" data-action="delete-webhook">
      <summary class="button small danger-outline">Delete…</summary>
      <form method="post" action={`/webhooks/${e.id}/delete`} class="popover-body">
        <CsrfField token={csrfToken} />
        <p>
          Delete <strong>{e.name}</strong> and its delivery log? Notifications stop at once.
        </p>
        <button type="submit" class="danger">
          Delete endpoint
        </button>
      </form>
    </details>
  )
}

function endpointColumns(view: WebhooksView): Column<EndpointRow>[] {
  return [
    { label: 'Name', rowHeader: true, cell: (e) => e.name },
    {
      label: 'URL',
      ownCell: true,
      cell: (e) => (
        <td class="mono small" title="The path is hidden: for Teams and Slack it is a credential">
          {e.url}
        </td>
      ),
    },
    { label: 'Format', cell: (e) => e.format },
    { label: 'Events', cell: (e) => e.events },
    {
      label: 'Status',
      cell: (e) =>
        e.enabled ? <Badge label="Enabled" tone="ok" /> : <Badge label="Disabled" tone="neutral" />,
    },
    { label: 'Created', cellClass: 'nowrap', cell: (e) => <TimeAgo at={e.createdAt} now={view.now} /> },
    {
      label: 'Actions',
      labelHidden: true,
      cell: (e) => <DeleteEndpoint endpoint={e} csrfToken={view.csrfToken} />,
    },
  ]
}

function NewEndpointForm({ view }: { view: WebhooksView }) {
  const f = view.form
  return (
    <section class="panel" aria-labelledby="new-h">
      <h2 id="new-h">Add an endpoint</h2>
      <ErrorSummary
        errors={f.errors}
        labels={{ name: 'Name', url: 'URL', format: 'Format', events: 'Events' }}
      />
      <form method="post" action="/webhooks" class="form grid-2" data-action="create-webhook" novalidate>
        <CsrfField token={view.csrfToken} />
        <TextField name="name" label="Name" value={f.name} error={f.errors?.name} required />
        <SelectField
          name="format"
          label="Format"
          value={f.format}
          error={f.errors?.format}
          options={f.formats}
        />
        <TextField
          name="url"
          label="URL"
          type="url"
          value={f.url}
          error={f.errors?.url}
          required
          hint={f.urlHint}
          className="span-2"
        />
        <fieldset class="span-2 events">
          <legend>
            Events <span class="muted">(none checked = all)</span>
          </legend>
          {f.events.map((e) => (
            <label class="checkbox-inline">
              <input type="checkbox" name="events" value={e.kind} checked={e.checked} /> {e.label}
            </label>
          ))}
        </fieldset>
        <SubmitRow label="Add endpoint" />
      </form>
    </section>
  )
}

export function WebhooksPage({ view }: { view: WebhooksView }) {
  return (
    <>
      <PageHead title="Webhooks" />
      <p class="lead">
        Signed notifications when a customer’s state changes (drift, recovery, lost access, onboarding done or
        failed).
      </p>
      <section class="panel flush" aria-labelledby="list-h">
        <h2 id="list-h" class="pad">
          Endpoints
        </h2>
        <DataTable
          rows={view.endpoints}
          columns={endpointColumns(view)}
          class="compact"
          rowAttributes={(e) => ({ 'data-webhook': e.id })}
          empty={<p class="pad muted">No endpoints yet.</p>}
        />
      </section>
      <NewEndpointForm view={view} />
    </>
  )
}
