// Accepted deviations on a customer's page: the ones in force (each revocable by an Operator) and the form
// that accepts the observed value of one setting until an expiry date.
import { TimeAgo } from '../ui/badges.tsx'
import { DataTable, type Column } from '../ui/data-table.tsx'
import { TextField } from '../ui/fields.tsx'
import { SubmitRow } from '../ui/page-parts.tsx'
import { CsrfField, PostButton } from '../ui/staff-page.tsx'
import type { CustomerDetailView } from './presenter.ts'

type DeviationRow = CustomerDetailView['policy']['deviations'][number]

function deviationColumns(view: CustomerDetailView): (Column<DeviationRow> | false)[] {
  const id = view.detail.customer.id
  return [
    { label: 'Setting', rowHeader: true, cell: (dv) => dv.label },
    { label: 'Accepted value', cell: (dv) => dv.acceptedValue },
    { label: 'Reason', cell: (dv) => dv.reason },
    { label: 'Owner', cell: (dv) => dv.owner },
    { label: 'Expires', cell: (dv) => <TimeAgo at={dv.expiresAt} now={view.now} /> },
    view.policy.manageDeviations && {
      label: 'Actions',
      labelHidden: true,
      cell: (dv) => (
        <PostButton
          action={`/customers/${id}/deviations/${dv.id}/revoke`}
          csrfToken={view.viewer.csrfToken}
          dataAction="revoke-deviation"
          buttonClass="link"
        >
          Revoke
        </PostButton>
      ),
    },
  ]
}

export function DeviationTable({ view }: { view: CustomerDetailView }) {
  if (view.policy.deviations.length === 0) return null
  return (
    <>
      <h3>Accepted deviations</h3>
      <DataTable
        rows={view.policy.deviations}
        columns={deviationColumns(view)}
        class="compact"
        rowAttributes={(dv) => ({ 'data-deviation': dv.id })}
      />
    </>
  )
}

export function AcceptDeviationForm({ view }: { view: CustomerDetailView }) {
  const p = view.policy
  if (!p.manageDeviations || !p.everObserved) return null
  return (
    <details class="inline-form" data-action="accept-deviation">
      <summary>Accept a deviation…</summary>
      <form method="post" action={`/customers/${view.detail.customer.id}/deviations`} class="form grid-2">
        <CsrfField token={view.viewer.csrfToken} />
        <p class="span-2 muted">
          Accept the value currently observed for one setting: it stops counting as drift until the expiry
          date, then it is drift again. Use it for agreed exceptions, with an owner who answers for it.
        </p>
        <div class="field span-2">
          <label for="dev-field">Setting</label>
          <select id="dev-field" name="field" required>
            {p.fields.map((f) => (
              <option value={f.path} selected={p.firstDrifted === f.path}>
                {f.label}
                {f.drifted ? ' (differs now)' : ''}
              </option>
            ))}
          </select>
        </div>
        <div class="field span-2">
          <label for="dev-reason">Reason</label>
          <textarea id="dev-reason" name="reason" rows={2} required maxlength={2000}></textarea>
        </div>
        <TextField name="owner" label="Owner" value={view.viewer.name} required maxlength={200} />
        <div class="field">
          <label for="dev-expires">Expires on</label>
          <input
            id="dev-expires"
            name="expiresAt"
            type="date"
            required
            value={p.expiry.default}
            min={p.expiry.min}
            max={p.expiry.max}
          />
        </div>
        <SubmitRow label="Accept deviation" />
      </form>
    </details>
  )
}
