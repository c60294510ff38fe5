import { ConflictError, NotFoundError } from '@crosstrust/core'
import { z } from 'zod'
import { recordAudit } from '../audit.ts'
import type { Actor, ServiceContext } from '../context.ts'
import { consentLinkView, type ConsentLinkView } from './customer-detail.ts'

/** Revokes one open consent link of a customer (the others stay valid). */
export async function revokeConsentLink(
  ctx: ServiceContext,
  customerId: string,
  linkId: string,
  actor: Actor,
): Promise<ConsentLinkView> {
  const ids = z.object({ customerId: z.uuid(), linkId: z.uuid() }).safeParse({ customerId, linkId })
  const now = ctx.now()
  const link = ids.success ? await ctx.db.consentLink.findFirst({ where: { id: linkId, customerId } }) : null
  if (!link)
    throw new NotFoundError(`No consent link ${linkId} for this customer.`, { code: 'link_not_found' })
  if (link.usedAt) throw new ConflictError('The link was already used.', { code: 'link_used' })
  if (link.revokedAt) throw new ConflictError('The link is already revoked.', { code: 'link_revoked' })
  const revoked = await ctx.db.$transaction(async (tx) => {
    const { count } = await tx.consentLink.updateMany({
      where: { id: linkId, revokedAt: null, usedAt: null },
      data: { revokedAt: now },
    })
    if (count !== 1) throw new ConflictError('The link changed meanwhile; reload.', { code: 'link_changed' })
    await recordAudit(tx, actor, {
      action: 'consent_link.revoked',
      customerId,
      entityType: 'consent_link',
      entityId: linkId,
      before: { expiresAt: link.expiresAt },
      after: { revokedAt: now },
    })
    return tx.consentLink.findUniqueOrThrow({ where: { id: linkId } })
  })
  return consentLinkView(revoked, now)
}
