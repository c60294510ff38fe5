// A drift's attribution as staff see it (run history, customer timeline, API), from its stored row.
import {
  ATTRIBUTION_STATUSES,
  NotFoundError,
  summarizeAttribution,
  type AttributionEntry,
  type AttributionStatus,
  type AttributionSubjectKind,
} from '@crosstrust/core'
import type { Db, DriftAttribution } from '@crosstrust/db'
import { z } from 'zod'
import { notificationAttribution } from './persist-attribution.ts'

export interface AttributionView {
  /** What changed: our partner entry (a drift or its removal), or the default policy it inherits. */
  subject: AttributionSubjectKind
  status: AttributionStatus
  /** What to show: who changed what when, or why nobody is named (not enabled, still looking, …). */
  sentences: string[]
  /** The audit entries (oldest first): who (user or app), when, which activity, the changed properties. */
  entries: AttributionEntry[]
  windowStart: Date
  windowEnd: Date
  lookups: number
  nextLookupAt: Date | null
  errorMessage: string | null
}

const entriesOf = (value: unknown): AttributionEntry[] =>
  Array.isArray(value) ? (value as AttributionEntry[]) : []

export function attributionView(row: DriftAttribution): AttributionView {
  const status = ATTRIBUTION_STATUSES.includes(row.status) ? row.status : 'failed'
  const entries = entriesOf(row.entries)
  return {
    subject: row.subject,
    status,
    sentences:
      status === 'found'
        ? summarizeAttribution(entries)
        : notificationAttribution({ subject: row.subject, status, entries, errorMessage: row.errorMessage })
            .sentences,
    entries,
    windowStart: row.windowStart,
    windowEnd: row.windowEnd,
    lookups: row.attempts,
    nextLookupAt: row.nextLookupAt,
    errorMessage: row.errorMessage,
  }
}

/** One drift (or default-policy change) a check found, with who made it: the customer's drift history. */
export interface DriftView {
  checkRunId: string
  foundAt: Date
  outcome: string | null
  attribution: AttributionView
}

/** The customer's drifts, newest first, with their attribution (index `(customer_id, created_at desc)`). */
export async function listDrifts(
  db: Db,
  customerId: string,
  limit = 50,
): Promise<{ attributionEnabled: boolean; items: DriftView[] }> {
  const customer = z.uuid().safeParse(customerId).success
    ? await db.customer.findUnique({ where: { id: customerId }, select: { attributionEnabled: true } })
    : null
  if (!customer) throw new NotFoundError(`No customer ${customerId}.`, { code: 'customer_not_found' })
  const rows = await db.driftAttribution.findMany({
    where: { customerId },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: Math.min(Math.max(limit, 1), 200),
    include: { checkRun: { select: { startedAt: true, outcome: true } } },
  })
  return {
    attributionEnabled: customer.attributionEnabled,
    items: rows.map((row) => ({
      checkRunId: row.checkRunId,
      foundAt: row.checkRun.startedAt,
      outcome: row.checkRun.outcome,
      attribution: attributionView(row),
    })),
  }
}
