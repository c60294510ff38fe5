// The customer list's view, decided from the query and the read-side page alone: the filters as chosen,
// the sort, the links to the next and previous page, and whether the list is filtered.
import { CUSTOMER_STATUSES, TRUST_VERDICTS, type VerificationView } from '@crosstrust/core'
import {
  COMPLIANCE_STATE_VALUES,
  ONBOARDING_STATE_VALUES,
  type CustomerListRow,
  type CustomerSort,
} from '@crosstrust/services'
import { z } from 'zod'
import { COMPLIANCE_LABELS, MODE_LABELS, ONBOARDING_LABELS } from '../format.ts'
import { pageLinks, withQuery, type PagePosition } from '../pager.ts'
import { STATUS_FILTER_OPTIONS } from '../ui/customer-status.tsx'
import { TRUST_LABELS } from '../ui/trust.tsx'

export const SORT_CHOICES: readonly (readonly [
  key: string,
  label: string,
  sort: CustomerSort,
  order: 'asc' | 'desc',
])[] = [
  ['newest', 'Newest first', 'createdAt', 'desc'],
  ['oldest', 'Oldest first', 'createdAt', 'asc'],
  ['name', 'Name A–Z', 'name', 'asc'],
  ['name-desc', 'Name Z–A', 'name', 'desc'],
  ['checked', 'Last checked (recent first)', 'lastCheckAt', 'desc'],
  ['changed', 'Compliance changed (recent first)', 'complianceChangedAt', 'desc'],
]

const empty = (v: unknown) => (v === '' ? undefined : v)
export const listQuery = z.object({
  q: z.preprocess(empty, z.string().trim().max(200).optional()).catch(undefined),
  status: z.preprocess(empty, z.enum(CUSTOMER_STATUSES).optional()).catch(undefined),
  onboardingState: z.preprocess(empty, z.enum(ONBOARDING_STATE_VALUES).optional()).catch(undefined),
  complianceState: z.preprocess(empty, z.enum(COMPLIANCE_STATE_VALUES).optional()).catch(undefined),
  mode: z.preprocess(empty, z.enum(['report', 'alert', 'remediate', 'default']).optional()).catch(undefined),
  trust: z.preprocess(empty, z.enum(TRUST_VERDICTS).optional()).catch(undefined),
  sort: z.preprocess(empty, z.string().max(20).optional()).catch(undefined),
})
export type ListQuery = z.infer<typeof listQuery>

export function sortChoice(q: ListQuery) {
  const choice = SORT_CHOICES.find(([key]) => key === q.sort) ?? SORT_CHOICES[0]
  if (!choice) throw new Error('no sort choices')
  const [key, , sort, order] = choice
  return { key, sort, order }
}

export function listFilters(q: ListQuery) {
  return {
    ...(q.q ? { q: q.q } : {}),
    ...(q.status ? { status: q.status } : {}),
    ...(q.onboardingState ? { onboardingState: q.onboardingState } : {}),
    ...(q.complianceState ? { complianceState: q.complianceState } : {}),
    ...(q.mode ? { mode: q.mode } : {}),
    ...(q.trust ? { trust: q.trust } : {}),
  }
}

export interface FilterSelect {
  name: string
  label: string
  value: string | undefined
  options: readonly (readonly [string, string])[]
}

export interface CustomerListView {
  now: Date
  defaultMode: string
  canCreate: boolean
  search: string
  selects: FilterSelect[]
  sortKey: string
  sort: CustomerSort
  order: 'asc' | 'desc'
  filtered: boolean
  /** Clear link shown when anything (filters or sort) was chosen. */
  clearable: boolean
  /** The cursor in the address was stale: the first page is shown instead. */
  badCursor: boolean
  rows: CustomerListRow[]
  expected: VerificationView
  prevHref: string | null
  nextHref: string | null
}

export function presentCustomerList(input: {
  query: ListQuery
  position: PagePosition
  badCursor: boolean
  rows: CustomerListRow[]
  nextCursor: string | null
  expected: VerificationView
  canCreate: boolean
  defaultMode: string
  now: Date
}): CustomerListView {
  const q = input.query
  const { key, sort, order } = sortChoice(q)
  const filters = listFilters(q)
  const base = { ...filters, ...(q.sort ? { sort: q.sort } : {}) }
  const links = pageLinks(input.position, input.nextCursor)
  const filtered = Object.keys(filters).length > 0
  return {
    now: input.now,
    defaultMode: input.defaultMode,
    canCreate: input.canCreate,
    search: q.q ?? '',
    selects: [
      { name: 'status', label: 'Status', value: q.status, options: STATUS_FILTER_OPTIONS },
      {
        name: 'onboardingState',
        label: 'Onboarding',
        value: q.onboardingState,
        options: ONBOARDING_STATE_VALUES.map((s) => [s, ONBOARDING_LABELS[s] ?? s] as const),
      },
      {
        name: 'complianceState',
        label: 'Compliance',
        value: q.complianceState,
        options: COMPLIANCE_STATE_VALUES.map((s) => [s, COMPLIANCE_LABELS[s] ?? s] as const),
      },
      {
        name: 'mode',
        label: 'Mode',
        value: q.mode,
        options: [...Object.entries(MODE_LABELS), ['default', `Default (${input.defaultMode})`]],
      },
      { name: 'trust', label: 'Trust effective', value: q.trust, options: Object.entries(TRUST_LABELS) },
    ],
    sortKey: key,
    sort,
    order,
    filtered,
    clearable: filtered || q.sort !== undefined,
    badCursor: input.badCursor,
    rows: input.rows,
    expected: input.expected,
    prevHref: links.prev ? withQuery('/customers', { ...base, ...links.prev }) : null,
    nextHref: links.next ? withQuery('/customers', { ...base, ...links.next }) : null,
  }
}
