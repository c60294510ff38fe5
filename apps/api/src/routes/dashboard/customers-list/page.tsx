// The customer list: filters, free-text search, sort and keyset pagination (next and previous) over the
// read-side query `listCustomers`. The filter form is a plain GET form: it works without scripts.
import { FleetReportPanel } from '../evidence/period-form.tsx'
import { DataTable, Pager } from '../ui/data-table.tsx'
import { FilterActions, PageHead } from '../ui/page-parts.tsx'
import type { CustomerListView, FilterSelect } from './presenter.ts'
import { SORT_CHOICES } from './presenter.ts'
import { CustomerTableHead, customerColumns } from './table.tsx'

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
      <FilterActions clearHref="/customers" clearable={view.clearable} />
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
      <PageHead title="Customers" newCustomer={view.canCreate} />
      <Filters view={view} />
      <FleetReportPanel now={view.now} />
      {view.badCursor ? (
        <p class="notice info" role="status">
          That page link had expired; showing the first page.
        </p>
      ) : null}
      <DataTable
        rows={view.rows}
        columns={customerColumns(view)}
        class="customers"
        label={`Customers${view.filtered ? ' (filtered)' : ''}`}
        head={<CustomerTableHead sort={view.sort} order={view.order} />}
        rowAttributes={(row) => ({ 'data-customer-id': row.id })}
        panel
        empty={<Empty view={view} />}
      />
      <Pager
        back={{ href: view.prevHref, label: 'Previous' }}
        forward={{ href: view.nextHref, label: 'Next' }}
      />
    </>
  )
}
