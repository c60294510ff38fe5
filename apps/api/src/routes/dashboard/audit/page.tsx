// The audit log: every change by staff, the system or a customer admin, newest first, filterable by action
// family and customer, with keyset pagination.
import type { AuditEventView } from '@crosstrust/services'
import { ActorCell } from '../ui/actor.tsx'
import { TimeExact } from '../ui/badges.tsx'
import type { AuditView } from './presenter.ts'
import { ACTION_FAMILIES, auditActionLabel, auditSummary } from './wording.ts'

function EventRow({
  event: e,
  now,
  showCustomer,
}: {
  event: AuditEventView
  now: Date
  showCustomer: boolean
}) {
  return (
    <tr>
      <td class="nowrap">
        <TimeExact at={e.at} now={now} />
      </td>
      <td>
        <ActorCell event={e} />
      </td>
      <td>
        {auditActionLabel(e.action)}
        <span class="sub mono">{e.action}</span>
      </td>
      {showCustomer ? (
        <td>
          {e.customerId ? <a href={`/customers/${e.customerId}`}>Open</a> : <span class="muted">—</span>}
        </td>
      ) : null}
      <td class="reason">{auditSummary(e)}</td>
      <td class="mono small muted">{e.requestId ?? ''}</td>
    </tr>
  )
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
      <div class="filter-actions">
        <button type="submit">Apply</button>
        {view.clearable ? (
          <a class="button secondary" href="/audit">
            Clear
          </a>
        ) : null}
      </div>
    </form>
  )
}

export function AuditPage({ view }: { view: AuditView }) {
  return (
    <>
      <div class="page-head">
        <h1>Audit log</h1>
      </div>
      <Filters view={view} />
      {view.items.length === 0 ? (
        <div class="panel empty">
          <p>No audit events match.</p>
        </div>
      ) : (
        <div class="panel flush table-wrap">
          <table class="compact audit">
            <caption class="visually-hidden">Audit events, newest first</caption>
            <thead>
              <tr>
                <th scope="col">When (UTC)</th>
                <th scope="col">Who</th>
                <th scope="col">Action</th>
                {view.showCustomer ? <th scope="col">Customer</th> : null}
                <th scope="col">Details</th>
                <th scope="col">Request</th>
              </tr>
            </thead>
            <tbody>
              {view.items.map((e) => (
                <EventRow event={e} now={view.now} showCustomer={view.showCustomer} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav class="pager" aria-label="Pagination">
        {view.newerHref ? (
          <a class="button secondary" rel="prev" href={view.newerHref}>
            ← Newer
          </a>
        ) : (
          <span></span>
        )}
        {view.olderHref ? (
          <a class="button secondary" rel="next" href={view.olderHref}>
            Older →
          </a>
        ) : (
          <span></span>
        )}
      </nav>
    </>
  )
}
