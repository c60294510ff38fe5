import type { Db } from '@crosstrust/db'
import { EXPIRING_LINK_WINDOW_DAYS } from './summary.ts'

export type AttentionReason =
  'failed_onboarding' | 'drifted' | 'access_lost' | 'removed_by_customer' | 'link_expiring'

export interface AttentionItem {
  customerId: string
  name: string
  reason: AttentionReason
  /** Since when (state change) or until when (link expiry). */
  at: Date | null
  detail: string | null
}

interface Row {
  id: string
  name: string
  reason: AttentionReason
  at: Date | null
  detail: string | null
}

/** The longest attention list a surface may ask for (the staff API's `attentionLimit`). */
export const MAX_ATTENTION_ITEMS = 200

/**
 * The overview's "needs attention" list, most recent first: failed onboarding, drifted, access lost,
 * removed by the customer, and open consent links expiring within 3 days. One query; each branch is
 * served by an index (states, links by expiry) and limited before the union. Busy surfaces read it through
 * the summary cache (summary-cache.ts), which takes it with the counts.
 */

export async function listNeedsAttention(
  db: Db,
  options: { now?: Date; limit?: number } = {},
): Promise<AttentionItem[]> {
  const now = options.now ?? new Date()
  const limit = Math.min(Math.max(options.limit ?? 25, 1), MAX_ATTENTION_ITEMS)
  const soon = new Date(now.getTime() + EXPIRING_LINK_WINDOW_DAYS * 86_400_000)
  const rows = await db.$queryRaw<Row[]>`
    (SELECT id, name, 'failed_onboarding' AS reason, updated_at AS at, last_failure_reason AS detail
       FROM customers WHERE onboarding_state = 'failed' ORDER BY updated_at DESC LIMIT ${limit})
    UNION ALL
    (SELECT id, name, compliance_state::text AS reason, compliance_changed_at AS at, last_failure_reason AS detail
       FROM customers
      WHERE compliance_state IN ('drifted', 'access_lost', 'removed_by_customer')
      ORDER BY compliance_changed_at DESC NULLS LAST LIMIT ${limit})
    UNION ALL
    (SELECT id, name, reason, at, detail FROM (
       -- One item per customer (its soonest-expiring link): a customer may hold a staff link and a mailed one.
       SELECT DISTINCT ON (c.id) c.id, c.name, 'link_expiring' AS reason, l.expires_at AS at, NULL AS detail
         FROM consent_links l JOIN customers c ON c.id = l.customer_id
        WHERE l.expires_at > ${now} AND l.expires_at <= ${soon} AND l.used_at IS NULL AND l.revoked_at IS NULL
          AND c.onboarding_state NOT IN ('offboarding', 'offboarded', 'onboarded')
        ORDER BY c.id, l.expires_at) AS soonest
      ORDER BY at LIMIT ${limit})`
  return rows
    .sort((a, b) => (b.at?.getTime() ?? 0) - (a.at?.getTime() ?? 0))
    .slice(0, limit)
    .map((r) => ({ customerId: r.id, name: r.name, reason: r.reason, at: r.at, detail: r.detail }))
}
