// The audit log: every change by staff, the system or a customer admin, newest first, filterable by action
// family and customer, with keyset pagination.
import type { AuditEventView } from '@crosstrust/services'
import { ActorCell } from '../ui/actor.tsx'
import { TimeExact } from '../ui/badges.tsx'
import { DataTable, Pager, type Column } from '../ui/data-table.tsx'
import { FilterActions, PageHead } from '../ui/page-parts.tsx'
import type { AuditView } from './presenter.ts'
import { ACTION_FAMILIES, auditActionLabel, auditSummary } from './wording.ts'

function eventColumns(view: AuditView): (Column<AuditEventView> | false)[] {
  return [
    { label: 'When (UTC)', cellClass: 'nowrap', cell: (e) => <TimeExact at={e.at} now={view.now} /> },
    { label: 'Who', cell: (e) => <ActorCell event={e} /> },
    {
      label: 'Action',
      cell: (e) => (
        <>
          {auditActionLabel(e.action)}
          <span class="sub mono">{e.action}</span>
        </>
      ),
    },
    view.showCustomer && {
      label: 'Customer',
      cell: (e) =>
        e.customerId ? <a href={`/customers/${e.customerId}`}>Open</a> : <span class="muted">—</span>,
    },
    { label: 'Details', cellClass: 'reason', cell: (e) => auditSummary(e) },
    { label: 'Request', cellClass: 'mono small muted', cell: (e) => e.requestId ?? '' },
  ]
}

function Filters({ view }: { view: AuditView }) {
  return (
    <form method="get" action="/audit" class="filters panel" aria-label="Filter audit events">
      <div class="field">
        <label for="flt-action">Action</label>
        <select id="flt-action" name="action">
          <option value="">All actions</option>
          {ACTION_FAMILIES.map(([v, l]) => (
            <option value={v} selected={view.action === v}>
              {l}
            </option>
          ))}
        </select>
      </div>
      {view.customer ? (
        <div class="field">
          <span class="label">Customer</span>
          <span class="chip">
            {view.customer.name}{' '}
            <a href={view.allCustomersHref} aria-label="Show all customers">
              ×
            </a>
          </span>
          <input type="hidden" name="customerId" value={view.customer.id} />
        </div>
      ) : null}
      <FilterActions clearHref="/audit" clearable={view.clearable} />
    </form>
  )
}

export function AuditPage({ view }: { view: AuditView }) {
  return (
    <>
      <PageHead title="Audit log" />
      <Filters view={view} />
      <DataTable
        rows={view.items}
        columns={eventColumns(view)}
        class="compact audit"
        label="Audit events, newest first"
        panel
        empty={
          <div class="panel empty">
            <p>No audit events match.</p>
          </div>
        }
      />
      <Pager
        back={{ href: view.newerHref, label: 'Newer' }}
        forward={{ href: view.olderHref, label: 'Older' }}
      />
    </>
  )
}
