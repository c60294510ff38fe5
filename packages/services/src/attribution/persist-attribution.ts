// Storing a drift's attribution beside its check run, and what its notifications say about it.
import {
  DEFAULT_POLICY_CHANGED_SENTENCE,
  summarizeAttribution,
  type AttributionSubjectKind,
  type NotificationAttribution,
} from '@crosstrust/core'
import type { Tx } from '@crosstrust/db'
import { toJsonValue } from '../json-value.ts'
import type { CheckAttribution, StoredCheckAttribution } from './check-attribution.ts'

/** Inserts the run's `drift_attributions` row, in the run's transaction. */
export async function insertCheckAttribution(
  tx: Tx,
  input: { checkRunId: string; customerId: string; attribution: StoredCheckAttribution },
): Promise<void> {
  const a = input.attribution
  await tx.driftAttribution.create({
    data: {
      checkRunId: input.checkRunId,
      customerId: input.customerId,
      subject: a.subject,
      followUp: a.followUp,
      status: a.status,
      windowStart: a.window.start,
      windowEnd: a.window.end,
      attempts: a.attempts,
      nextLookupAt: a.nextLookupAt,
      entries: toJsonValue(a.entries),
      errorMessage: a.errorMessage,
    },
  })
}

/**
 * What a notification says about who made a change, whatever the lookup's state. A default-policy change
 * says what changed first when the audit entry (which would say it) is not there.
 */
export function notificationAttribution(
  a: Pick<CheckAttribution, 'status' | 'entries' | 'errorMessage'> & { subject?: AttributionSubjectKind },
): NotificationAttribution {
  const told = lookupAttribution(a)
  return a.subject === 'default_policy' && a.status !== 'found'
    ? { ...told, sentences: [DEFAULT_POLICY_CHANGED_SENTENCE, ...told.sentences] }
    : told
}

function lookupAttribution(
  a: Pick<CheckAttribution, 'status' | 'entries' | 'errorMessage'>,
): NotificationAttribution {
  switch (a.status) {
    case 'found':
      return { status: a.status, sentences: summarizeAttribution(a.entries) }
    case 'pending':
      return {
        status: a.status,
        sentences: [
          "Who made the change is not in the tenant's audit log yet (entries arrive within minutes); a follow-up notification will say.",
        ],
      }
    case 'not_enabled':
      return { status: a.status, sentences: [`Attribution not enabled. ${a.errorMessage ?? ''}`.trim()] }
    case 'not_found':
      return {
        status: a.status,
        sentences: ["No change to the cross-tenant access settings was found in the tenant's audit log."],
      }
    case 'failed':
      return { status: a.status, sentences: ['The audit log could not be read.'] }
  }
}
