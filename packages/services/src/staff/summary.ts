import type { Db } from '@crosstrust/db'
import { COMPLIANCE_STATE_VALUES, MODE_FILTER_VALUES, ONBOARDING_STATE_VALUES } from './customer-list.ts'

export const EXPIRING_LINK_WINDOW_DAYS = 3

/** Customers per (onboarding state, compliance state) pair: one grouped, index-only count (the metrics gauge). */
export async function customerStateCounts(
  db: Db,
): Promise<{ onboardingState: string; complianceState: string; count: number }[]> {
  const rows = await db.customer.groupBy({
    by: ['onboardingState', 'complianceState'],
    _count: { _all: true },
  })
  return rows.map((row) => ({
    onboardingState: row.onboardingState,
    complianceState: row.complianceState,
    count: row._count._all,
  }))
}

export interface SummaryCounts {
  total: number
  byOnboardingState: Record<(typeof ONBOARDING_STATE_VALUES)[number], number>
  byComplianceState: Record<(typeof COMPLIANCE_STATE_VALUES)[number], number>
  /** `default` = customers on the global default mode. */
  byMode: Record<(typeof MODE_FILTER_VALUES)[number], number>
  needsAttention: {
    failedOnboarding: number
    drifted: number
    accessLost: number
    removedByCustomer: number
    /** Open consent links (not used, not revoked) expiring within the next 3 days. */
    expiringLinks: number
    total: number
  }
}

interface GroupRow {
  g_onb: number
  g_comp: number
  g_mode: number
  onboarding_state: string | null
  compliance_state: string | null
  mode: string | null
  n: bigint
}

const zeros = <K extends string>(keys: readonly K[]) =>
  Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>

/**
 * Counts for the overview: one grouped pass over customers (GROUPING SETS: per onboarding state, per
 * compliance state, per mode, and the total) plus one count of the customers whose open consent link expires soon.
 */
export async function summaryCounts(db: Db, now: Date = new Date()): Promise<SummaryCounts> {
  const soon = new Date(now.getTime() + EXPIRING_LINK_WINDOW_DAYS * 86_400_000)
  const [groups, expiring] = await Promise.all([
    db.$queryRaw<GroupRow[]>`
      SELECT GROUPING(onboarding_state)::int AS g_onb, GROUPING(compliance_state)::int AS g_comp,
             GROUPING(mode)::int AS g_mode,
             onboarding_state::text AS onboarding_state, compliance_state::text AS compliance_state,
             mode::text AS mode, count(*) AS n
      FROM customers
      GROUP BY GROUPING SETS ((onboarding_state), (compliance_state), (mode), ())`,
    // Customers, not links: a customer may hold a staff link and a mailed one at once.
    db.$queryRaw<[{ n: bigint }]>`
      SELECT count(DISTINCT l.customer_id) AS n
        FROM consent_links l JOIN customers c ON c.id = l.customer_id
       WHERE l.used_at IS NULL AND l.revoked_at IS NULL AND l.expires_at > ${now} AND l.expires_at <= ${soon}
         AND c.onboarding_state NOT IN ('offboarding', 'offboarded', 'onboarded')`.then(([row]) =>
      Number(row.n),
    ),
  ])
  const byOnboardingState = zeros(ONBOARDING_STATE_VALUES)
  const byComplianceState = zeros(COMPLIANCE_STATE_VALUES)
  const byMode = zeros(MODE_FILTER_VALUES)
  let total = 0
  for (const row of groups) {
    const n = Number(row.n)
    if (row.g_onb === 0 && row.onboarding_state !== null) {
      byOnboardingState[row.onboarding_state as keyof typeof byOnboardingState] = n
    } else if (row.g_comp === 0 && row.compliance_state !== null) {
      byComplianceState[row.compliance_state as keyof typeof byComplianceState] = n
    } else if (row.g_mode === 0) {
      byMode[(row.mode ?? 'default') as keyof typeof byMode] = n
    } else {
      total = n
    }
  }
  const attention = {
    failedOnboarding: byOnboardingState.failed,
    drifted: byComplianceState.drifted,
    accessLost: byComplianceState.access_lost,
    removedByCustomer: byComplianceState.removed_by_customer,
    expiringLinks: expiring,
  }
  return {
    total,
    byOnboardingState,
    byComplianceState,
    byMode,
    needsAttention: {
      ...attention,
      total:
        attention.failedOnboarding +
        attention.drifted +
        attention.accessLost +
        attention.removedByCustomer +
        attention.expiringLinks,
    },
  }
}
