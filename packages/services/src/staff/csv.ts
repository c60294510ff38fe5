import type { Db } from '@crosstrust/db'
import { listCustomers, type CustomerFilters, type CustomerListRow } from './customer-list.ts'
import { trustLabel } from './trust.ts'

// CSV export of the customer list (RFC 4180: CRLF line ends, every field quoted, quotes doubled). Customer
// names and domains are typed by people (and by customers' own admins, through their tenant's names), and
// spreadsheets run a cell as a formula when it starts with = + - @ or a tab/CR, also after leading spaces or
// quote characters that some importers strip. Following OWASP's CSV injection guidance, such a cell gets a
// leading apostrophe (shown as text, never evaluated) and every cell is quoted, so no separator or line
// break inside a value can start a new cell.

// Fullwidth forms (＝ ＋ － ＠) are included: some spreadsheet locales read them as their ASCII twins.
const FORMULA_START = /^[\t\r]|^[\s"'\u00a0\u200b\ufeff]*[=+\-@\uff1d\uff0b\uff0d\uff20]/

export function csvCell(value: unknown): string {
  let text =
    value === null || value === undefined
      ? ''
      : value instanceof Date
        ? value.toISOString()
        : typeof value === 'string'
          ? value
          : typeof value === 'number' || typeof value === 'boolean'
            ? String(value)
            : JSON.stringify(value)
  if (FORMULA_START.test(text)) text = `'${text}`
  return `"${text.replace(/"/g, '""')}"`
}

export function csvLine(values: readonly unknown[]): string {
  return `${values.map(csvCell).join(',')}\r\n`
}

const COLUMNS: readonly [string, (row: CustomerListRow) => unknown][] = [
  ['id', (r) => r.id],
  ['name', (r) => r.name],
  ['tenant_id', (r) => r.tenantId ?? r.expectedTenantId],
  ['tenant_name', (r) => r.tenantDisplayName],
  ['domain', (r) => r.expectedDomain ?? r.verifiedDomains[0]],
  ['onboarding_state', (r) => r.onboardingState],
  ['current_step', (r) => (r.currentStep ? `${r.currentStep.step} (${r.currentStep.status})` : '')],
  ['compliance_state', (r) => r.complianceState],
  ['mode', (r) => r.mode ?? 'default'],
  ['inbound_access', (r) => r.verification?.inboundAccess],
  ['outbound_access', (r) => r.verification?.outboundAccess],
  ['tenant_restrictions', (r) => r.verification?.tenantRestrictions],
  ['trust_effective', (r) => (r.trust ? trustLabel(r.trust.verdict) : '')],
  ['trust_reason', (r) => r.trust?.reason],
  ['status', (r) => r.status.label],
  ['status_fix', (r) => r.status.fix],
  ['last_check_at', (r) => r.lastCheckAt],
  ['compliance_changed_at', (r) => r.complianceChangedAt],
  ['created_at', (r) => r.createdAt],
]

/**
 * Streams the customers matching `filters` as CSV lines (header first), by name. It walks the list page by
 * page (keyset), so memory stays flat at any size and each page is one indexed query.
 */
export async function* exportCustomersCsv(
  db: Db,
  filters: CustomerFilters = {},
  pageSize = 500,
): AsyncGenerator<string> {
  yield csvLine(COLUMNS.map(([name]) => name))
  let cursor: string | undefined
  do {
    const page = await listCustomers(db, {
      ...filters,
      sort: 'name',
      order: 'asc',
      limit: Math.min(pageSize, 200),
      ...(cursor === undefined ? {} : { cursor }),
    })
    for (const row of page.items) yield csvLine(COLUMNS.map(([, get]) => get(row)))
    cursor = page.nextCursor ?? undefined
  } while (cursor !== undefined)
}
