// The dashboard's one table: header and cells from the column list, a row header, hidden labels, classes
// per row, columns left out, what shows instead of an empty table, and the pager under it.
import { describe, expect, it } from 'vitest'
import { renderFragment } from '../src/html/render.ts'
import { DataTable, Pager, type Column } from '../src/routes/dashboard/ui/data-table.tsx'

interface Row {
  id: string
  name: string
  late: boolean
}

const columns = (withActions: boolean): (Column<Row> | false)[] => [
  { label: 'Name', rowHeader: true, cell: (r) => r.name },
  { label: 'State', cellClass: (r) => (r.late ? 'bad' : 'ok'), cell: (r) => (r.late ? 'Late' : 'On time') },
  withActions && {
    label: 'Actions',
    labelHidden: true,
    headClass: 'num',
    cell: (r) => <a href={`/x/${r.id}`}>Open</a>,
  },
  { label: 'Own', ownCell: true, cell: (r) => <td data-own={r.id}>!</td> },
]

const rows: Row[] = [
  { id: 'a', name: 'Alpha <1>', late: false },
  { id: 'b', name: 'Beta', late: true },
]

describe('DataTable', () => {
  it('renders the columns, row headers, per-row classes and attributes', () => {
    expect(
      renderFragment(
        <DataTable
          rows={rows}
          columns={columns(true)}
          class="compact"
          id="t"
          label="Things"
          rowAttributes={(r) => ({ 'data-id': r.id })}
        />,
      ),
    ).toBe(
      '<table class="compact" id="t"><caption class="visually-hidden">Things</caption>' +
        '<thead><tr><th scope="col">Name</th><th scope="col">State</th>' +
        '<th scope="col" class="num"><span class="visually-hidden">Actions</span></th><th scope="col">Own</th></tr></thead>' +
        '<tbody><tr data-id="a"><th scope="row">Alpha &lt;1&gt;</th><td class="ok">On time</td>' +
        '<td><a href="/x/a">Open</a></td><td data-own="a">!</td></tr>' +
        '<tr data-id="b"><th scope="row">Beta</th><td class="bad">Late</td>' +
        '<td><a href="/x/b">Open</a></td><td data-own="b">!</td></tr></tbody></table>',
    )
  })

  it('leaves out a column given as false, and wraps the table in a panel on request', () => {
    expect(
      renderFragment(<DataTable rows={rows.slice(0, 1)} columns={columns(false)} caption="Seen" panel />),
    ).toBe(
      '<div class="panel flush table-wrap"><table><caption>Seen</caption>' +
        '<thead><tr><th scope="col">Name</th><th scope="col">State</th><th scope="col">Own</th></tr></thead>' +
        '<tbody><tr><th scope="row">Alpha &lt;1&gt;</th><td class="ok">On time</td><td data-own="a">!</td></tr>' +
        '</tbody></table></div>',
    )
  })

  it('shows what it is given instead of an empty table, or nothing', () => {
    expect(renderFragment(<DataTable rows={[]} columns={columns(true)} empty={<p>None.</p>} />)).toBe(
      '<p>None.</p>',
    )
    expect(renderFragment(<DataTable rows={[]} columns={columns(true)} />)).toBe('')
  })
})

describe('Pager', () => {
  it('links back and forward, keeping an empty slot where there is no page', () => {
    expect(
      renderFragment(
        <Pager back={{ href: null, label: 'Newer' }} forward={{ href: '/audit?c=1', label: 'Older' }} />,
      ),
    ).toBe(
      '<nav class="pager" aria-label="Pagination"><span></span>' +
        '<a class="button secondary" rel="next" href="/audit?c=1">Older →</a></nav>',
    )
  })
})
