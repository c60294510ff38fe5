// The policy on a customer's page: the partner entry as the customer's admin center lists it, then every
// field with the desired value next to the observed one, as the Entra admin center words them.
import { Badge, TimeAgo } from '../ui/badges.tsx'
import { PARTNER_ENTRY_COLUMNS, PartnerEntryCell } from '../ui/partner-entry.tsx'
import { AcceptDeviationForm, DeviationTable } from './deviations.tsx'
import type { CustomerDetailView, FieldRow } from './presenter.ts'

function FieldStatusCell({ row, now }: { row: FieldRow; now: Date }) {
  const s = row.status
  switch (s.kind) {
    case 'unchecked':
      return <span class="muted">Not checked yet</span>
    case 'accepted':
      return s.expiresAt === null ? (
        <Badge label="Accepted deviation" tone="info" />
      ) : (
        <>
          <Badge label="Accepted deviation" tone="info" />{' '}
          <span class="sub">
            until <TimeAgo at={s.expiresAt} now={now} /> · {s.owner}
          </span>
        </>
      )
    case 'differs':
      return <Badge label="Differs" tone={s.repairable ? 'warn' : 'bad'} />
    case 'matches':
      return <Badge label="Matches" tone="ok" />
  }
}

function FieldRowView({ row, now }: { row: FieldRow; now: Date }) {
  return (
    <tr class={row.differs ? 'differs' : ''} data-field={row.path}>
      <th scope="row">
        {row.label}
        <span class="sub mono">{row.path}</span>
      </th>
      <td class="desired">{row.desired}</td>
      <td class={`observed ${row.differs ? 'bad' : ''}`}>{row.observed ?? <span class="muted">—</span>}</td>
      <td>
        {row.repairable ? <span class="tag">Repairable</span> : <span class="tag report">Report only</span>}
      </td>
      <td>
        <FieldStatusCell row={row} now={now} />
      </td>
    </tr>
  )
}

export function PolicySection({ view }: { view: CustomerDetailView }) {
  const p = view.policy
  return (
    <section class="panel" aria-labelledby="diff-h" id="diff">
      <div class="section-head">
        <h2 id="diff-h">Cross-tenant access settings for {view.partnerName}</h2>
        <span class="muted">
          Policy version {String(p.version)}
          {p.compliantWith === null ? null : ` · verified compliant with v${String(p.compliantWith)}`}
        </span>
      </div>
      <table class="partner-entry compact">
        <caption>As the customer’s Entra admin center lists it (Organizational settings)</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            {PARTNER_ENTRY_COLUMNS.map(([, label]) => (
              <th scope="col">{label}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">{view.partnerName}</th>
            {PARTNER_ENTRY_COLUMNS.map(([key]) => (
              <PartnerEntryCell view={view.detail.verification} expected={p.expected} column={key} />
            ))}
          </tr>
        </tbody>
      </table>
      <table class="diff">
        <caption>Desired and observed, field by field</caption>
        <colgroup>
          <col class="c-setting" />
          <col class="c-value" />
          <col class="c-value" />
          <col class="c-kind" />
          <col class="c-status" />
        </colgroup>
        <thead>
          <tr>
            <th scope="col">Setting</th>
            <th scope="col">Desired</th>
            <th scope="col">Observed</th>
            <th scope="col">On difference</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {p.fields.map((row) => (
            <FieldRowView row={row} now={view.now} />
          ))}
        </tbody>
      </table>
      <DeviationTable view={view} />
      <AcceptDeviationForm view={view} />
    </section>
  )
}
