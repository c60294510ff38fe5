import type { Db } from '@crosstrust/db'
import { recordAudit } from '../audit.ts'
import { SYSTEM_ACTOR } from '../context.ts'

// Consent links nobody used stop being useful once they expired or were revoked; after a retention period
// (CONSENT_LINK_RETENTION_DAYS) they are deleted so the customer page and the database keep only what
// matters. Used links stay: they are part of how the customer was onboarded. Each deletion is audited per
// customer (the audit row keeps the link ids and dates; the link row and its OAuth states go).

export interface LinkCleanupResult {
  deleted: number
  customers: number
}

/** Most links deleted per transaction; the rest waits for the next run. */
const CLEANUP_BATCH = 500

/** Deletes unused links that expired or were revoked before `now - retentionDays`. */
export async function cleanUpConsentLinks(
  db: Db,
  now: Date,
  retentionDays: number,
): Promise<LinkCleanupResult> {
  const cutoff = new Date(now.getTime() - retentionDays * 24 * 3600 * 1000)
  const stale = await db.consentLink.findMany({
    where: { usedAt: null, OR: [{ expiresAt: { lt: cutoff } }, { revokedAt: { lt: cutoff } }] },
    orderBy: { expiresAt: 'asc' },
    take: CLEANUP_BATCH,
    select: { id: true },
  })
  if (stale.length === 0) return { deleted: 0, customers: 0 }
  return db.$transaction(async (tx) => {
    // Deleted only while still unused (a link used meanwhile is kept), and audited as deleted.
    // Locked first, so a consent that uses one of them now waits and then finds it gone.
    const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM consent_links
      WHERE id = ANY(${stale.map((link) => link.id)}::uuid[]) AND used_at IS NULL FOR UPDATE`
    const gone = await tx.consentLink.findMany({
      where: { id: { in: locked.map((link) => link.id) } },
      select: { id: true, customerId: true, createdAt: true, expiresAt: true, revokedAt: true },
    })
    await tx.consentLink.deleteMany({ where: { id: { in: gone.map((link) => link.id) } } })
    const byCustomer = new Map<string, typeof gone>()
    for (const link of gone)
      byCustomer.set(link.customerId, [...(byCustomer.get(link.customerId) ?? []), link])
    for (const [customerId, links] of byCustomer) {
      await recordAudit(tx, SYSTEM_ACTOR, {
        action: 'consent_link.cleaned_up',
        customerId,
        entityType: 'consent_link',
        before: {
          links: links.map((link) => ({
            id: link.id,
            createdAt: link.createdAt,
            expiresAt: link.expiresAt,
            revokedAt: link.revokedAt,
          })),
        },
        after: { retentionDays },
      })
    }
    return { deleted: gone.length, customers: byCustomer.size }
  })
}
