// The customer's status page link: durable until staff revoke or replace it. Like consent links, the raw
// token exists only in the URL handed out; the database keeps its hash, so a database reader cannot open
// anyone's status page. A customer may hold several working links at once (the one the consent result page
// showed, the one the mail after onboarding carried): a delivery adds a link, only staff replace them
// (core's `revokesEarlierLinks`).
import {
  ConflictError,
  generateConsentToken,
  hashToken,
  isTokenShaped,
  revokesEarlierLinks,
  type LinkDelivery,
} from '@crosstrust/core'
import type { Tx } from '@crosstrust/db'
import { recordAudit } from '../audit.ts'
import type { Actor, ServiceContext } from '../context.ts'
import { requireCustomer } from '../customers.ts'

export interface IssuedStatusLink {
  id: string
  url: string
  createdAt: Date
  /** How many working links the fresh one replaced (they stopped working at once). */
  revokedEarlier: number
}

/** A link that opens the page now, as staff see it: how it reached the customer and when, never the token. */
export interface WorkingStatusLink {
  id: string
  delivery: LinkDelivery
  createdAt: Date
  createdBy: string
}

/** What staff see of a customer's status links: never a token (each was shown once, when handed out). */
export interface StatusLinkSummary {
  /** Newest first. */
  working: WorkingStatusLink[]
  revokedCount: number
}

export interface MintedStatusLink {
  id: string
  token: string
  createdAt: Date
  revokedEarlier: number
}

export function statusLinkUrl(publicBaseUrl: string, token: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/status/${token}`
}

/**
 * Mints a link inside `tx`, handed out as `delivery`. Staff's fresh link replaces the working ones (they stop
 * working, and so do the sessions opened through them: the page then says the link no longer works); a
 * delivery keeps them, since the customer may be holding one.
 */
export async function mintStatusLink(
  tx: Tx,
  customerId: string,
  actor: Actor,
  now: Date,
  handedOut: { delivery: LinkDelivery; consentStateId?: string },
): Promise<MintedStatusLink> {
  const { delivery } = handedOut
  const replaces = revokesEarlierLinks(delivery)
  const revoked = replaces ? await revokeWorkingLinks(tx, customerId, now) : 0
  const token = generateConsentToken()
  const created = await tx.statusLink.create({
    data: {
      customerId,
      tokenHash: hashToken(token),
      createdAt: now,
      createdBy: actor.name ?? actor.id ?? actor.type,
      consentStateId: handedOut.consentStateId ?? null,
      delivery,
    },
  })
  await recordAudit(tx, actor, {
    action: 'status_link.issued',
    customerId,
    entityType: 'status_link',
    entityId: created.id,
    after: { delivery, earlierLinks: replaces ? 'replaced' : 'kept', revokedEarlier: revoked },
  })
  return { id: created.id, token, createdAt: created.createdAt, revokedEarlier: revoked }
}

/** Revokes every working link of the customer; returns how many. */
async function revokeWorkingLinks(tx: Tx, customerId: string, now: Date): Promise<number> {
  const { count } = await tx.statusLink.updateMany({
    where: { customerId, revokedAt: null },
    data: { revokedAt: now },
  })
  return count
}

/**
 * Staff issue a fresh link (one click): a deliberate replacement, so every earlier link (from staff, the
 * result page or the mail) stops working at once.
 */
export async function issueStatusLink(
  ctx: ServiceContext,
  settings: { publicBaseUrl: string },
  customerId: string,
  actor: Actor,
): Promise<IssuedStatusLink> {
  const customer = await requireCustomer(ctx, customerId)
  // Every sign-in through such a link would be refused as "a different tenant": say why instead.
  if (customer.tenantId === null)
    throw new ConflictError('The customer has no tenant yet: issue a status link once they have consented.', {
      code: 'no_tenant_yet',
    })
  if (customer.onboardingState === 'offboarding' || customer.onboardingState === 'offboarded')
    throw new ConflictError(
      'The customer is offboarded: there is no configuration for a status page to show.',
      {
        code: 'customer_offboarded',
      },
    )
  const minted = await ctx.db.$transaction((tx) =>
    mintStatusLink(tx, customerId, actor, ctx.now(), { delivery: 'staff' }),
  )
  return {
    id: minted.id,
    url: statusLinkUrl(settings.publicBaseUrl, minted.token),
    createdAt: minted.createdAt,
    revokedEarlier: minted.revokedEarlier,
  }
}

/** Staff revoke every status link of the customer; their pages then say the link no longer works. */
export async function revokeStatusLinks(
  ctx: ServiceContext,
  customerId: string,
  actor: Actor,
): Promise<number> {
  await requireCustomer(ctx, customerId)
  const now = ctx.now()
  return ctx.db.$transaction(async (tx) => {
    const revoked = await revokeWorkingLinks(tx, customerId, now)
    // Signed-in admins lose their sessions with the links.
    const sessions = await tx.statusSession.deleteMany({ where: { statusLink: { customerId } } })
    await recordAudit(tx, actor, {
      action: 'status_link.revoked',
      customerId,
      after: { revoked, sessionsEnded: sessions.count },
    })
    return revoked
  })
}

export async function statusLinkSummary(ctx: ServiceContext, customerId: string): Promise<StatusLinkSummary> {
  await requireCustomer(ctx, customerId)
  const [working, revokedCount] = await Promise.all([
    ctx.db.statusLink.findMany({
      where: { customerId, revokedAt: null },
      orderBy: { createdAt: 'desc' },
      select: { id: true, delivery: true, createdAt: true, createdBy: true },
    }),
    ctx.db.statusLink.count({ where: { customerId, revokedAt: { not: null } } }),
  ])
  return { working, revokedCount }
}

export type StatusLinkInspection = { status: 'valid'; linkId: string } | { status: 'revoked' | 'unknown' }

/**
 * What a status link is, without revealing anything about links that do not exist. Not even a valid link's
 * customer is named: before sign-in, a leaked link must not reveal whose partner we are.
 */
export async function inspectStatusLink(ctx: ServiceContext, token: string): Promise<StatusLinkInspection> {
  if (!isTokenShaped(token)) return { status: 'unknown' }
  const link = await ctx.db.statusLink.findUnique({
    where: { tokenHash: hashToken(token) },
    select: { id: true, revokedAt: true },
  })
  if (!link) return { status: 'unknown' }
  if (link.revokedAt) return { status: 'revoked' }
  return { status: 'valid', linkId: link.id }
}
