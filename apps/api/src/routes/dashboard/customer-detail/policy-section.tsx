// The policy on a customer's page: the partner entry as the customer's admin center lists it, then every
// field with the desired value next to the observed one, as the Entra admin center words them.
import type { VerificationView } from '@crosstrust/core'
import { Badge, TimeAgo } from '../ui/badges.tsx'
import { DataTable, RemediationTag, type Column } from '../ui/data-table.tsx'
import { partnerEntryColumns } from '../ui/partner-entry.tsx'
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

function fieldColumns(now: Date): Column<FieldRow>[] {
  return [
    {
      label: 'Setting',
      rowHeader: true,
      cell: (row) => (
        <>
          {row.label}
          <span class="sub mono">{row.path}</span>
        </>
      ),
    },
    { label: 'Desired', cellClass: 'desired', cell: (row) => row.desired },
    {
      label: 'Observed',
      cellClass: (row) => `observed ${row.differs ? 'bad' : ''}`,
      cell: (row) => row.observed ?? <span class="muted">—</span>,
    },
    {
      label: 'On difference',
      cell: (row) => <RemediationTag repairable={row.repairable} repairLabel="Repairable" />,
    },
    { label: 'Status', cell: (row) => <FieldStatusCell row={row} now={now} /> },
  ]
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
      <DataTable
        rows={[view.detail.verification]}
        columns={[
          { label: 'Name', rowHeader: true, cell: () => view.partnerName },
          ...partnerEntryColumns((entry: VerificationView | null) => entry, p.expected),
        ]}
        class="partner-entry compact"
        caption="As the customer’s Entra admin center lists it (Organizational settings)"
      />
      <DataTable
        rows={p.fields}
        columns={fieldColumns(view.now)}
        class="diff"
        caption="Desired and observed, field by field"
        colgroup={
          <colgroup>
            <col class="c-setting" />
            <col class="c-value" />
            <col class="c-value" />
            <col class="c-kind" />
            <col class="c-status" />
          </colgroup>
        }
        rowAttributes={(row) => ({ class: row.differs ? 'differs' : '', 'data-field': row.path })}
      />
      <DeviationTable view={view} />
      <AcceptDeviationForm view={view} />
    </section>
  )
}
