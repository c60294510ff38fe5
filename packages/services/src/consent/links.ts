import {
  ATTRIBUTION_PERMISSIONS,
  ConflictError,
  generateConsentToken,
  hashToken,
  isTokenShaped,
  revokesEarlierLinks,
  type ConsentLinkDelivery,
} from '@crosstrust/core'
import type { ConsentLink, Customer } from '@crosstrust/db'
import { recordAudit } from '../audit.ts'
import type { Actor, ServiceContext } from '../context.ts'
import { requireCustomer } from '../customers.ts'
import { moveSteps, statusOf } from '../onboarding-steps.ts'

export interface ConsentLinkSettings {
  publicBaseUrl: string
  ttlDays: number
}

export interface IssuedConsentLink {
  id: string
  url: string
  expiresAt: Date
}

export function consentLinkUrl(publicBaseUrl: string, token: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/consent/${token}`
}

/**
 * Staff issue a fresh consent link: a deliberate replacement, so every earlier open link stops working
 * (regenerating is how staff replace a link that leaked or went to the wrong person).
 */
export async function issueConsentLink(
  ctx: ServiceContext,
  settings: ConsentLinkSettings,
  customerId: string,
  actor: Actor,
): Promise<IssuedConsentLink> {
  return mintConsentLink(ctx, settings, customerId, actor, 'staff')
}

/**
 * Mints a consent link handed out as `delivery`. Whether the earlier open links stop working is core's
 * `revokesEarlierLinks`: a link a mail carries is added next to the one staff may have copied to the
 * customer, never in its place. The raw token exists only in the returned URL: the database keeps its hash.
 */
export async function mintConsentLink(
  ctx: ServiceContext,
  settings: ConsentLinkSettings,
  customerId: string,
  actor: Actor,
  delivery: ConsentLinkDelivery,
): Promise<IssuedConsentLink> {
  const customer = await requireCustomer(ctx, customerId)
  if (customer.onboardingState === 'offboarding') {
    throw new ConflictError('The customer is being offboarded.', { code: 'customer_offboarding' })
  }
  const token = generateConsentToken()
  const now = ctx.now()
  const expiresAt = new Date(now.getTime() + settings.ttlDays * 24 * 3600 * 1000)
  const replaces = revokesEarlierLinks(delivery)
  const link = await ctx.db.$transaction(async (tx) => {
    const revoked = replaces
      ? await tx.consentLink.updateMany({
          where: { customerId, revokedAt: null, usedAt: null, expiresAt: { gt: now } },
          data: { revokedAt: now },
        })
      : { count: 0 }
    const created = await tx.consentLink.create({
      data: {
        customerId,
        tokenHash: hashToken(token),
        expiresAt,
        createdBy: actor.id ?? actor.type,
        delivery,
      },
    })
    await moveSteps(
      tx,
      customerId,
      (steps) => {
        const status = statusOf(steps, 'link_issued')
        return status === 'pending' || status === 'failed'
          ? [
              {
                step: 'link_issued',
                to: 'succeeded',
                message: `Consent link issued, valid until ${expiresAt.toISOString()}.`,
              },
            ]
          : []
      },
      now,
    )
    await recordAudit(tx, actor, {
      action: 'consent_link.issued',
      customerId,
      entityType: 'consent_link',
      entityId: created.id,
      after: {
        expiresAt,
        delivery,
        earlierLinks: replaces ? 'replaced' : 'kept',
        revokedEarlier: revoked.count,
      },
    })
    return created
  })
  return { id: link.id, url: consentLinkUrl(settings.publicBaseUrl, token), expiresAt }
}

export async function revokeConsentLinks(
  ctx: ServiceContext,
  customerId: string,
  actor: Actor,
): Promise<number> {
  await requireCustomer(ctx, customerId)
  const now = ctx.now()
  return ctx.db.$transaction(async (tx) => {
    const { count } = await tx.consentLink.updateMany({
      where: { customerId, revokedAt: null, usedAt: null },
      data: { revokedAt: now },
    })
    await recordAudit(tx, actor, { action: 'consent_link.revoked', customerId, after: { revoked: count } })
    return count
  })
}

/** The link as its landing page needs it: never the token or its hash. */
export interface InspectedLink {
  id: string
  expiresAt: Date
  usedAt: Date | null
}

/** The customer a link belongs to, as the administrator may see it (the name on the landing page). */
export interface InspectedCustomer {
  id: string
  name: string
  /**
   * Permissions the tenant's consent lacks (the last effective-trust check found them missing): a fresh
   * link to a customer already checked asks for exactly these, and its landing page says so.
   */
  newPermissions: string[]
}

export type LinkInspection =
  | { status: 'valid' | 'completed'; link: InspectedLink; customer: InspectedCustomer }
  | { status: 'expired' | 'revoked' | 'unknown' }

/** What a consent link is, without revealing anything about links that do not exist. */
export async function inspectConsentLink(ctx: ServiceContext, token: string): Promise<LinkInspection> {
  if (!isTokenShaped(token)) return { status: 'unknown' }
  const link = await ctx.db.consentLink.findUnique({
    where: { tokenHash: hashToken(token) },
    select: {
      id: true,
      expiresAt: true,
      usedAt: true,
      revokedAt: true,
      customer: {
        select: {
          id: true,
          name: true,
          onboardingState: true,
          trust: { select: { missingPermissions: true } },
          attributionEnabled: true,
          lastCheckAt: true,
          driftAttributions: { orderBy: { createdAt: 'desc' }, take: 1, select: { status: true } },
        },
      },
    },
  })
  if (!link) return { status: 'unknown' }
  const { customer } = link
  const found = {
    link: { id: link.id, expiresAt: link.expiresAt, usedAt: link.usedAt },
    customer: {
      id: customer.id,
      name: customer.name,
      // Only a customer that has been checked has a verdict, so a first consent finds none here.
      newPermissions: newPermissionsOf(customer),
    },
  }
  if (link.usedAt) return { status: 'completed', ...found }
  if (
    link.revokedAt ||
    customer.onboardingState === 'offboarding' ||
    customer.onboardingState === 'offboarded'
  ) {
    return { status: 'revoked' }
  }
  if (link.expiresAt.getTime() <= ctx.now().getTime()) return { status: 'expired' }
  return { status: 'valid', ...found }
}

/**
 * What a re-consent adds: the effective-trust permissions the last check found missing, and the audit-log
 * permissions when staff enabled attribution and no drift lookup has shown them granted yet.
 */
function newPermissionsOf(customer: {
  lastCheckAt: Date | null
  trust: { missingPermissions: string[] } | null
  attributionEnabled: boolean
  driftAttributions: { status: string }[]
}): string[] {
  const missing = [...(customer.trust?.missingPermissions ?? [])]
  const latest = customer.driftAttributions[0]?.status
  // A customer checked before consented before: a first consent asks for everything anyway.
  const reconsent = customer.lastCheckAt !== null
  if (reconsent && customer.attributionEnabled && (latest === undefined || latest === 'not_enabled'))
    for (const { permission } of ATTRIBUTION_PERMISSIONS)
      if (!missing.includes(permission)) missing.push(permission)
  return missing
}

/** A link can still start or finish a consent: not used, not revoked, not expired, customer not leaving. */
export function linkUsable(
  link: Pick<ConsentLink, 'usedAt' | 'revokedAt' | 'expiresAt'>,
  customer: Pick<Customer, 'onboardingState'>,
  now: Date,
): boolean {
  return (
    !link.usedAt &&
    !link.revokedAt &&
    link.expiresAt.getTime() > now.getTime() &&
    customer.onboardingState !== 'offboarding' &&
    customer.onboardingState !== 'offboarded'
  )
}
