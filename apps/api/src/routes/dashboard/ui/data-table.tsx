// The dashboard's one table: columns declared once (header, cell, classes), rows rendered the same way on
// every page, a caption for screen readers, and what to show instead when there are no rows.
import type { Child } from 'hono/jsx'

export interface Column<Row> {
  /** The header text. */
  label: string
  /** Announced to screen readers but not shown (an actions column). */
  labelHidden?: boolean
  /** The cell that names its row: rendered as `th scope="row"`. */
  rowHeader?: boolean
  headClass?: string
  cellClass?: string | ((row: Row) => string)
  /** The cell's content; with `ownCell` the function renders the whole `td` itself. */
  cell: (row: Row) => Child
  ownCell?: boolean
}

/** Attribute values a row may carry (`data-*`, a class); undefined leaves the attribute out. */
export type RowAttributes = Record<string, string | undefined>

export interface DataTableProps<Row> {
  rows: readonly Row[]
  /** `false` leaves a column out (one shown only to some people). */
  columns: readonly (Column<Row> | false)[]
  /** A caption that only screen readers read; see `caption` for one everybody sees. */
  label?: string
  caption?: string
  class?: string
  id?: string
  /** Rendered instead of the table when there are no rows (nothing when absent). */
  empty?: Child
  /** A header of its own (grouped columns); the columns' labels otherwise. */
  head?: Child
  colgroup?: Child
  /** The table fills a panel of its own (scrolling sideways when it is wider than the page). */
  panel?: boolean
  rowAttributes?: (row: Row) => RowAttributes
}

function HeadCell<Row>({ column }: { column: Column<Row> }) {
  return (
    <th scope="col" class={column.headClass}>
      {column.labelHidden ? <span class="visually-hidden">{column.label}</span> : column.label}
    </th>
  )
}

function BodyCell<Row>({ column, row }: { column: Column<Row>; row: Row }) {
  if (column.ownCell) return <>{column.cell(row)}</>
  const cls = typeof column.cellClass === 'function' ? column.cellClass(row) : column.cellClass
  return column.rowHeader ? (
    <th scope="row" class={cls}>
      {column.cell(row)}
    </th>
  ) : (
    <td class={cls}>{column.cell(row)}</td>
  )
}

export function DataTable<Row>(props: DataTableProps<Row>) {
  if (props.rows.length === 0) return <>{props.empty ?? null}</>
  const columns = props.columns.filter((c): c is Column<Row> => c !== false)
  const table = (
    <table class={props.class} id={props.id}>
      {props.label ? <caption class="visually-hidden">{props.label}</caption> : null}
      {props.caption ? <caption>{props.caption}</caption> : null}
      {props.colgroup ?? null}
      {props.head ?? (
        <thead>
          <tr>
            {columns.map((column) => (
              <HeadCell column={column} />
            ))}
          </tr>
        </thead>
      )}
      <tbody>
        {props.rows.map((row) => (
          <tr {...(props.rowAttributes?.(row) ?? {})}>
            {columns.map((column) => (
              <BodyCell column={column} row={row} />
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  )
  return props.panel ? <div class="panel flush table-wrap">{table}</div> : table
}

export interface PageLink {
  href: string | null
  label: string
}

/** Newer / older (or previous / next) links under a paginated table; an empty slot keeps the layout. */
export function Pager({ back, forward }: { back: PageLink; forward: PageLink }) {
  return (
    <nav class="pager" aria-label="Pagination">
      {back.href ? (
        <a class="button secondary" rel="prev" href={back.href}>
          ← {back.label}
        </a>
      ) : (
        <span></span>
      )}
      {forward.href ? (
        <a class="button secondary" rel="next" href={forward.href}>
          {forward.label} →
        </a>
      ) : (
        <span></span>
      )}
    </nav>
  )
}

/** The tag that says what a difference in a field leads to: a repair, or a report only. */
export function RemediationTag({ repairable, repairLabel }: { repairable: boolean; repairLabel: string }) {
  return repairable ? <span class="tag">{repairLabel}</span> : <span class="tag report">Report only</span>
}
