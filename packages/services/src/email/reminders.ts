import type { Db } from '@crosstrust/db'
import { recordAudit } from '../audit.ts'
import { SYSTEM_ACTOR } from '../context.ts'

// A reminder goes to the same contacts when the link a consent-link mail carried is still unused and
// expires within the reminder window (CONSENT_REMINDER_HOURS), and the customer is still waiting for it: a
// mail never revokes the customer's other links, so the admin may have consented through another one since
// (the link staff copied, a later mail), or hold an open link that outlives this one. At most one per mail: the mail's
// `reminder_queued_at` is set in the same transaction that creates the reminder, and a reminder is never
// reminded itself. Called by the sweep; the `email` job ids derive from the new rows, so a second sweep
// finds nothing to do.

const REMINDER_BATCH = 200

/** Creates the due reminders (one per mail) and returns their delivery ids, to enqueue after the commit. */
export async function queueConsentReminders(db: Db, now: Date, windowHours: number): Promise<string[]> {
  const horizon = new Date(now.getTime() + windowHours * 3600 * 1000)
  return db.$transaction(async (tx) => {
    const due = await tx.$queryRaw<{ id: string; customer_id: string; recipients: unknown }[]>`
      SELECT e.id, e.customer_id, e.recipients FROM email_deliveries e
      JOIN consent_links l ON l.id = e.consent_link_id
      WHERE e.kind = 'consent_link' AND e.status = 'sent' AND e.reminder_queued_at IS NULL
        AND l.used_at IS NULL AND l.revoked_at IS NULL AND l.expires_at > ${now} AND l.expires_at <= ${horizon}
        AND NOT EXISTS (
          SELECT 1 FROM consent_links o
          WHERE o.customer_id = l.customer_id AND o.id <> l.id
            AND (o.used_at >= l.created_at
              OR (o.used_at IS NULL AND o.revoked_at IS NULL AND o.expires_at > l.expires_at)))
      ORDER BY l.expires_at LIMIT ${REMINDER_BATCH}
      FOR UPDATE OF e SKIP LOCKED`
    const ids: string[] = []
    for (const mail of due) {
      await tx.emailDelivery.update({ where: { id: mail.id }, data: { reminderQueuedAt: now } })
      const reminder = await tx.emailDelivery.create({
        data: {
          customerId: mail.customer_id,
          kind: 'reminder',
          recipients: mail.recipients as object,
          remindsId: mail.id,
          requestedBy: SYSTEM_ACTOR.name ?? 'system',
        },
      })
      await recordAudit(tx, SYSTEM_ACTOR, {
        action: 'consent_email.reminder_queued',
        customerId: mail.customer_id,
        entityType: 'email_delivery',
        entityId: reminder.id,
        after: { reminds: mail.id },
      })
      ids.push(reminder.id)
    }
    return ids
  })
}
