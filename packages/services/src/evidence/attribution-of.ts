import type { AttributionEntry, EvidenceAttribution } from '@crosstrust/core'
import type { DriftAttribution } from '@crosstrust/db'

type StoredAttribution = Pick<
  DriftAttribution,
  'subject' | 'status' | 'windowStart' | 'windowEnd' | 'attempts' | 'entries' | 'errorMessage'
>

/**
 * A run's stored attribution (drift_attributions) as the evidence document and the fleet report carry it,
 * when it explains `subject` (a default-policy change is not the drift of its run, and not in its metrics).
 */
export function evidenceAttribution(
  row: StoredAttribution | null,
  subject: DriftAttribution['subject'] = 'partner_entry',
): EvidenceAttribution | null {
  if (row?.subject !== subject) return null
  return {
    status: row.status,
    windowStart: row.windowStart.toISOString(),
    windowEnd: row.windowEnd.toISOString(),
    attempts: row.attempts,
    // Written only by the attribution lookup, in this shape (packages/core/src/attribution/types.ts).
    entries: row.entries as unknown as AttributionEntry[],
    errorMessage: row.errorMessage,
  }
}
