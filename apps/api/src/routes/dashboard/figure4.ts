// The guide's Figure 4 columns (Inbound access / Outbound access / Tenant restrictions), as the Entra admin
// center shows them for the partner. A column that differs from what the policy should produce is marked.
import type { VerificationView } from '@crosstrust/core'
import { html, type SafeHtml } from '../../html/html.ts'

export const FIGURE4_COLUMNS = [
  ['inboundAccess', 'Inbound access'],
  ['outboundAccess', 'Outbound access'],
  ['tenantRestrictions', 'Tenant restrictions'],
] as const

export function figure4Cell(
  view: VerificationView | null,
  expected: VerificationView,
  column: keyof VerificationView,
): SafeHtml {
  if (view === null)
    return html`<td class="f4 muted" data-col="${column}" title="The partner entry has not been read yet">
      —
    </td>`
  const value = view[column]
  const ok = value === expected[column]
  return html`<td class="f4 ${ok ? 'f4-ok' : 'f4-bad'}" data-col="${column}">
    ${value}${ok ? '' : html`<span class="visually-hidden"> (expected ${expected[column]})</span>`}
  </td>`
}
