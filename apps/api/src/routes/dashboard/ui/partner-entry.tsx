// The partner's row in the customer's Entra admin center list of organizations (Cross-tenant access
// settings → Organizational settings): Inbound access, Outbound access and Tenant restrictions. A column
// that differs from what the policy should produce is marked.
import type { VerificationView } from '@crosstrust/core'
import type { Column } from './data-table.tsx'

export const PARTNER_ENTRY_COLUMNS = [
  ['inboundAccess', 'Inbound access'],
  ['outboundAccess', 'Outbound access'],
  ['tenantRestrictions', 'Tenant restrictions'],
] as const

export function PartnerEntryCell(props: {
  view: VerificationView | null
  expected: VerificationView
  column: keyof VerificationView
}) {
  const { view, expected, column } = props
  if (view === null)
    return (
      <td class="entry muted" data-col={column} title="The partner entry has not been read yet">
        —
      </td>
    )
  const ok = view[column] === expected[column]
  return (
    <td class={`entry ${ok ? 'entry-ok' : 'entry-bad'}`} data-col={column}>
      {view[column]}
      {ok ? null : <span class="visually-hidden"> (expected {expected[column]})</span>}
    </td>
  )
}

/** The three columns for a table whose rows each carry a partner entry as last read (or null). */
export function partnerEntryColumns<Row>(
  entryOf: (row: Row) => VerificationView | null,
  expected: VerificationView,
): Column<Row>[] {
  return PARTNER_ENTRY_COLUMNS.map(([key, label]) => ({
    label,
    ownCell: true,
    cell: (row: Row) => <PartnerEntryCell view={entryOf(row)} expected={expected} column={key} />,
  }))
}
