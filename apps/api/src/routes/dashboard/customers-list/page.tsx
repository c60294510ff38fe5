// The customer list: filters, free-text search, sort and keyset pagination (next and previous) over the
// read-side query `listCustomers`. The filter form is a plain GET form: it works without scripts.
import type { CustomerListView, FilterSelect } from './presenter.ts'
import { SORT_CHOICES } from './presenter.ts'
import { CustomerRow, CustomerTableHead } from './table.tsx'

function Select({ select }: { select: FilterSelect }) {
  return (
    <div class="field">
      <label for={`flt-${select.name}`}>{select.label}</label>
      <select id={`flt-${select.name}`} name={select.name}>
        <option value="">Any</option>
        {select.options.map(([v, l]) => (
          <option value={v} selected={v === select.value}>
            {l}
          </option>
        ))}
      </select>
    </div>
  )
}

function Filters({ view }: { view: CustomerListView }) {
  return (
    <form
      method="get"
      action="/customers"
      class="filters panel customer-filters"
      role="search"
      aria-label="Filter customers"
    >
      <div class="field grow">
        <label for="flt-q">Search</label>
        <input
          id="flt-q"
          type="search"
          name="q"
          value={view.search}
          placeholder="Name, domain or tenant ID"
        />
      </div>
      {view.selects.map((s) => (
        <Select select={s} />
      ))}
      <div class="field">
        <label for="flt-sort">Sort</label>
        <select id="flt-sort" name="sort">
          {SORT_CHOICES.map(([key, label]) => (
            <option value={key} selected={key === view.sortKey}>
              {label}
            </option>
          ))}
        </select>
      </div>
      <div class="filter-actions">
        <button type="submit">Apply</button>
        {view.clearable ? (
          <a href="/customers" class="button secondary">
            Clear
          </a>
        ) : null}
      </div>
    </form>
  )
}

function Empty({ view }: { view: CustomerListView }) {
  return (
    <div class="panel empty">
      <p>
        <strong>No customers{view.filtered ? ' match these filters' : ' yet'}.</strong>
      </p>
      {view.filtered ? (
        <p>
          <a href="/customers">Clear the filters</a>
        </p>
      ) : view.canCreate ? (
        <p>
          <a href="/customers/new">Create the first customer</a> and send its administrator a consent link.
        </p>
      ) : null}
    </div>
  )
}

export function CustomerListPage({ view }: { view: CustomerListView }) {
  return (
    <>
      <div class="page-head">
        <h1>Customers</h1>
        {view.canCreate ? (
          <a class="button" href="/customers/new">
            New customer
          </a>
        ) : null}
      </div>
      <Filters view={view} />
      {view.badCursor ? (
        <p class="notice info" role="status">
          That page link had expired; showing the first page.
        </p>
      ) : null}
      {view.rows.length === 0 ? (
        <Empty view={view} />
      ) : (
        <div class="table-wrap panel flush">
          <table class="customers">
            <caption class="visually-hidden">Customers{view.filtered ? ' (filtered)' : ''}</caption>
            <CustomerTableHead sort={view.sort} order={view.order} />
            <tbody>
              {view.rows.map((row) => (
                <CustomerRow
                  row={row}
                  expected={view.expected}
                  now={view.now}
                  defaultMode={view.defaultMode}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav class="pager" aria-label="Pagination">
        {view.prevHref ? (
          <a class="button secondary" href={view.prevHref} rel="prev">
            ← Previous
          </a>
        ) : (
          <span></span>
        )}
        {view.nextHref ? (
          <a class="button secondary" href={view.nextHref} rel="next">
            Next →
          </a>
        ) : (
          <span></span>
        )}
      </nav>
    </>
  )
}
