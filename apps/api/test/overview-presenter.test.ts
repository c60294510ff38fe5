// The overview's presenter: tiles, the three breakdowns (each entry a link to the filtered list, its bar
// width a class) and the attention list with how many items it leaves out.
import type { AttentionItem, StaleSummary } from '@crosstrust/services'
import { describe, expect, it } from 'vitest'
import { presentOverview } from '../src/routes/dashboard/overview/presenter.ts'

const now = new Date('2026-12-03T08:00:00Z')

const countedAt = new Date('2026-12-03T07:59:57Z')

const counts: Omit<StaleSummary, 'attentionItems'> = {
  asOf: countedAt,
  ageSeconds: 3,
  total: 40,
  byOnboardingState: {
    not_started: 2,
    link_issued: 3,
    consent_received: 1,
    access_verified: 0,
    prerequisites_checked: 0,
    awaiting_confirmation: 1,
    tenant_confirmed: 0,
    policy_applied: 1,
    onboarded: 30,
    failed: 2,
    offboarding: 0,
    offboarded: 0,
  },
  byComplianceState: {
    pending: 10,
    compliant: 24,
    drifted: 3,
    unknown: 0,
    access_lost: 2,
    removed_by_customer: 1,
    offboarded: 0,
  },
  byMode: { report: 4, alert: 0, remediate: 6, default: 30 },
  needsAttention: {
    failedOnboarding: 2,
    drifted: 3,
    accessLost: 2,
    removedByCustomer: 1,
    expiringLinks: 1,
    total: 9,
  },
}

const item: AttentionItem = {
  customerId: 'c1',
  name: 'Litware',
  reason: 'drifted',
  at: now,
  detail: null,
}

const present = (canCreate: boolean) =>
  presentOverview({ counts, items: [item], canCreate, defaultMode: 'alert', now })

describe('overview presenter', () => {
  it('says how old the counts are', () => {
    expect(present(false)).toMatchObject({ countsAsOf: countedAt, countsAgeSeconds: 3 })
  })

  it('sums the tiles from the counts', () => {
    expect(present(true).tiles).toEqual([
      { label: 'Customers', n: 40, href: '/customers', tone: '', hint: '30 onboarded' },
      {
        label: 'Compliant',
        n: 24,
        href: '/customers?complianceState=compliant',
        tone: 'ok',
        hint: 'verified against the policy',
      },
      {
        label: 'Onboarding',
        n: 8,
        href: '/customers?sort=newest',
        tone: 'info',
        hint: 'waiting for consent or running',
      },
      {
        label: 'Drifted',
        n: 3,
        href: '/customers?complianceState=drifted',
        tone: 'warn',
        hint: 'settings differ from policy',
      },
      {
        label: 'Access lost',
        n: 3,
        href: '/customers?complianceState=access_lost',
        tone: 'bad',
        hint: 'consent revoked or entry removed',
      },
      {
        label: 'Failed onboarding',
        n: 2,
        href: '/customers?onboardingState=failed',
        tone: 'bad',
        hint: 'needs a new link or a fix',
      },
    ])
  })

  it('shows the capped attention list and how many it leaves out', () => {
    const view = present(false)
    expect(view.items).toEqual([item])
    expect(view.attentionTotal).toBe(9)
    expect(view.hidden).toBe(8)
    expect(view.canCreate).toBe(false)
    expect(present(true).canCreate).toBe(true)
  })

  it('links every breakdown entry to the filtered list, with its bar width in 5% steps', () => {
    const [onboarding, compliance, mode] = present(true).lists
    expect(onboarding?.entries.find((e) => e.key === 'onboarded')).toEqual({
      key: 'onboarded',
      label: 'Onboarded',
      n: 30,
      href: '/customers?onboardingState=onboarded',
      tone: 'ok',
      width: '75',
    })
    expect(onboarding?.entries.find((e) => e.key === 'consent_received')).toEqual({
      key: 'consent_received',
      label: 'Consent received',
      n: 1,
      href: '/customers?onboardingState=consent_received',
      tone: 'info',
      width: '5',
    })
    expect(compliance?.entries.map((e) => [e.key, e.n, e.tone, e.width])).toEqual([
      ['pending', 10, '', '25'],
      ['compliant', 24, 'ok', '60'],
      ['drifted', 3, 'warn', '10'],
      ['unknown', 0, '', '0'],
      ['access_lost', 2, 'bad', '5'],
      ['removed_by_customer', 1, 'bad', '5'],
      ['offboarded', 0, '', '0'],
    ])
    expect(mode).toEqual({
      title: 'Monitoring mode',
      id: 'by-mode',
      entries: [
        { key: 'report', label: 'Report', n: 4, href: '/customers?mode=report', tone: 'info', width: '10' },
        { key: 'alert', label: 'Alert', n: 0, href: '/customers?mode=alert', tone: 'info', width: '0' },
        {
          key: 'remediate',
          label: 'Remediate',
          n: 6,
          href: '/customers?mode=remediate',
          tone: 'info',
          width: '15',
        },
        {
          key: 'default',
          label: 'Default (Alert)',
          n: 30,
          href: '/customers?mode=default',
          tone: 'info',
          width: '75',
        },
      ],
    })
  })
})
