// The customer list's presenter: the query as chosen (bad values dropped), the sort, the filter selects,
// and the previous / next links that keep the filters and the sort.
import { defaultPolicy, expectedVerificationView } from '@crosstrust/core'
import { describe, expect, it } from 'vitest'
import { listQuery, presentCustomerList } from '../src/routes/dashboard/customers-list/presenter.ts'

const now = new Date('2026-12-03T08:00:00Z')
const expected = expectedVerificationView(defaultPolicy)

const present = (
  raw: Record<string, string>,
  position = { cursor: undefined as string | undefined, trail: [] as string[] },
  nextCursor: string | null = null,
) =>
  presentCustomerList({
    query: listQuery.parse(raw),
    position,
    badCursor: false,
    rows: [],
    nextCursor,
    expected,
    canCreate: true,
    defaultMode: 'alert',
    now,
  })

describe('customer list presenter', () => {
  it('starts unfiltered, newest first, on the first page', () => {
    const view = present({})
    expect(view).toMatchObject({
      search: '',
      sortKey: 'newest',
      sort: 'createdAt',
      order: 'desc',
      filtered: false,
      clearable: false,
      prevHref: null,
      nextHref: null,
      canCreate: true,
      defaultMode: 'alert',
    })
    expect(view.selects.map((s) => [s.name, s.label, s.value])).toEqual([
      ['status', 'Status', undefined],
      ['onboardingState', 'Onboarding', undefined],
      ['complianceState', 'Compliance', undefined],
      ['mode', 'Mode', undefined],
      ['trust', 'Trust effective', undefined],
    ])
    expect(view.selects[0]?.options).toEqual([
      ['pending', 'Pending'],
      ['managed', 'Managed'],
      ['access_needed', 'Access needed'],
      ['removed_by_customer', 'Removed by customer'],
      ['removed_by_partner', 'Removed by partner'],
      ['error', 'Error'],
    ])
    expect(view.selects[3]?.options).toEqual([
      ['report', 'Report'],
      ['alert', 'Alert'],
      ['remediate', 'Remediate'],
      ['default', 'Default (alert)'],
    ])
    expect(view.selects[4]?.options).toEqual([
      ['effective', 'Effective'],
      ['partly', 'Partly'],
      ['no_effect', 'No effect'],
      ['blocked', 'Blocked'],
      ['unknown', 'Unknown'],
    ])
  })

  it('drops values it does not know and keeps the rest in the page links', () => {
    const view = present(
      { q: ' lit ', complianceState: 'drifted', onboardingState: 'bogus', sort: 'name' },
      { cursor: 'c2', trail: ['c1'] },
      'c3',
    )
    expect(view.search).toBe('lit')
    expect(view.selects.map((s) => s.value)).toEqual([undefined, undefined, 'drifted', undefined, undefined])
    expect([view.sortKey, view.sort, view.order]).toEqual(['name', 'name', 'asc'])
    expect(view.filtered).toBe(true)
    expect(view.clearable).toBe(true)
    expect(view.prevHref).toBe('/customers?q=lit&complianceState=drifted&sort=name&cursor=c1')
    expect(view.nextHref).toBe('/customers?q=lit&complianceState=drifted&sort=name&cursor=c3&trail=c1.c2')
  })

  it('filters by customer status and keeps it in the page links', () => {
    const view = present({ status: 'access_needed' }, { cursor: undefined, trail: [] }, 'c2')
    expect(view.selects[0]?.value).toBe('access_needed')
    expect(view.filtered).toBe(true)
    expect(view.nextHref).toBe('/customers?status=access_needed&cursor=c2')
    expect(present({ status: 'happy' }).selects[0]?.value).toBeUndefined()
  })

  it('can be cleared when only a sort was chosen, and falls back to newest for an unknown sort', () => {
    expect(present({ sort: 'oldest' })).toMatchObject({ filtered: false, clearable: true, sortKey: 'oldest' })
    expect(present({ sort: 'sideways' })).toMatchObject({ sortKey: 'newest', clearable: true })
  })
})
