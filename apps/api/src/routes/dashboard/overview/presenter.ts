// The overview's figures, decided from the read-side counts alone: the tiles, the three stat lists (by
// onboarding state, compliance and mode, each entry a link to the filtered list) and what needs attention.
import {
  COMPLIANCE_STATE_VALUES,
  ONBOARDING_STATE_VALUES,
  type AttentionItem,
  type AttentionReason,
  type SummaryCounts,
} from '@crosstrust/services'
import { COMPLIANCE_LABELS, MODE_LABELS, ONBOARDING_LABELS } from '../format.ts'

export interface Tile {
  label: string
  n: number
  href: string
  tone: string
  hint: string
}

export interface StatEntry {
  key: string
  label: string
  n: number
  href: string
  tone: string
  /** Bar width in 5% steps, as a class (the CSP allows no inline styles). Any non-zero count shows. */
  width: string
}

export interface StatList {
  title: string
  id: string
  entries: StatEntry[]
}

export const REASON_FILTERS: Record<AttentionReason, { filter: string; label: string }> = {
  failed_onboarding: { filter: '/customers?onboardingState=failed', label: 'failed onboarding' },
  drifted: { filter: '/customers?complianceState=drifted', label: 'drifted' },
  access_lost: { filter: '/customers?complianceState=access_lost', label: 'access lost' },
  removed_by_customer: {
    filter: '/customers?complianceState=removed_by_customer',
    label: 'removed by the customer',
  },
  link_expiring: { filter: '/customers?onboardingState=link_issued', label: 'expiring links' },
}

export interface OverviewView {
  now: Date
  /** When the counts and the attention list were taken (both are reused for a few seconds). */
  countsAsOf: Date
  countsAgeSeconds: number
  canCreate: boolean
  tiles: Tile[]
  attentionTotal: number
  items: AttentionItem[]
  /** Items beyond the shown ones (the list is capped). */
  hidden: number
  lists: StatList[]
}

function barWidth(n: number, total: number): string {
  if (n === 0 || total === 0) return '0'
  return String(Math.max(5, Math.round((n / total) * 20) * 5))
}

const COMPLIANCE_TONE: Record<string, string> = {
  compliant: 'ok',
  drifted: 'warn',
  access_lost: 'bad',
  removed_by_customer: 'bad',
}
const ONBOARDING_TONE: Record<string, string> = { onboarded: 'ok', failed: 'bad', offboarding: 'warn' }

function tiles(counts: SummaryCounts): Tile[] {
  const inProgress = ONBOARDING_STATE_VALUES.filter(
    (s) => !['onboarded', 'failed', 'offboarding', 'offboarded'].includes(s),
  ).reduce((sum, s) => sum + counts.byOnboardingState[s], 0)
  const a = counts.needsAttention
  const lost = a.accessLost + a.removedByCustomer
  return [
    {
      label: 'Customers',
      n: counts.total,
      href: '/customers',
      tone: '',
      hint: `${counts.byOnboardingState.onboarded.toLocaleString('en-US')} onboarded`,
    },
    {
      label: 'Compliant',
      n: counts.byComplianceState.compliant,
      href: '/customers?complianceState=compliant',
      tone: 'ok',
      hint: 'verified against the policy',
    },
    {
      label: 'Onboarding',
      n: inProgress,
      href: '/customers?sort=newest',
      tone: 'info',
      hint: 'waiting for consent or running',
    },
    {
      label: 'Drifted',
      n: a.drifted,
      href: '/customers?complianceState=drifted',
      tone: a.drifted > 0 ? 'warn' : '',
      hint: 'settings differ from policy',
    },
    {
      label: 'Access lost',
      n: lost,
      href: '/customers?complianceState=access_lost',
      tone: lost > 0 ? 'bad' : '',
      hint: 'consent revoked or entry removed',
    },
    {
      label: 'Failed onboarding',
      n: a.failedOnboarding,
      href: '/customers?onboardingState=failed',
      tone: a.failedOnboarding > 0 ? 'bad' : '',
      hint: 'needs a new link or a fix',
    },
  ]
}

export function presentOverview(input: {
  counts: SummaryCounts & { asOf: Date; ageSeconds: number }
  items: AttentionItem[]
  canCreate: boolean
  defaultMode: string
  now: Date
}): OverviewView {
  const { counts } = input
  const total = counts.total
  const entry = (key: string, label: string, n: number, href: string, tone: string): StatEntry => ({
    key,
    label,
    n,
    href,
    tone,
    width: barWidth(n, total),
  })
  /** One entry per state, each a link to the list filtered on it. */
  const stateList = <S extends string>(
    title: string,
    id: string,
    by: {
      states: readonly S[]
      counts: Record<S, number>
      labels: Record<string, string>
      filter: string
      tone: (state: S) => string
    },
  ): StatList => ({
    title,
    id,
    entries: by.states.map((s) =>
      entry(s, by.labels[s] ?? s, by.counts[s], `/customers?${by.filter}=${s}`, by.tone(s)),
    ),
  })
  return {
    now: input.now,
    countsAsOf: input.counts.asOf,
    countsAgeSeconds: input.counts.ageSeconds,
    canCreate: input.canCreate,
    tiles: tiles(counts),
    attentionTotal: counts.needsAttention.total,
    items: input.items,
    hidden: counts.needsAttention.total - input.items.length,
    lists: [
      stateList('Onboarding', 'by-onboarding', {
        states: ONBOARDING_STATE_VALUES,
        counts: counts.byOnboardingState,
        labels: ONBOARDING_LABELS,
        filter: 'onboardingState',
        tone: (state) => ONBOARDING_TONE[state] ?? 'info',
      }),
      stateList('Compliance', 'by-compliance', {
        states: COMPLIANCE_STATE_VALUES,
        counts: counts.byComplianceState,
        labels: COMPLIANCE_LABELS,
        filter: 'complianceState',
        tone: (state) => COMPLIANCE_TONE[state] ?? '',
      }),
      {
        title: 'Monitoring mode',
        id: 'by-mode',
        entries: [
          ...(['report', 'alert', 'remediate'] as const).map((m) =>
            entry(m, MODE_LABELS[m] ?? m, counts.byMode[m], `/customers?mode=${m}`, 'info'),
          ),
          entry(
            'default',
            `Default (${MODE_LABELS[input.defaultMode] ?? input.defaultMode})`,
            counts.byMode.default,
            '/customers?mode=default',
            'info',
          ),
        ],
      },
    ],
  }
}
