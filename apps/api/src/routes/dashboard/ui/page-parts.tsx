// Pieces every dashboard page or form repeats: the page heading (with "New customer" where staff may
// create one), a filter form's Apply / Clear, and a full-width submit row under a two-column form.

export function PageHead({ title, newCustomer = false }: { title: string; newCustomer?: boolean }) {
  return (
    <div class="page-head">
      <h1>{title}</h1>
      {newCustomer ? (
        <a class="button" href="/customers/new">
          New customer
        </a>
      ) : null}
    </div>
  )
}

/** Apply, and Clear (back to the unfiltered page) once anything was chosen. */
export function FilterActions({ clearHref, clearable }: { clearHref: string; clearable: boolean }) {
  return (
    <div class="filter-actions">
      <button type="submit">Apply</button>
      {clearable ? (
        <a class="button secondary" href={clearHref}>
          Clear
        </a>
      ) : null}
    </div>
  )
}

export function SubmitRow({ label }: { label: string }) {
  return (
    <div class="span-2">
      <button type="submit">{label}</button>
    </div>
  )
}
