// Starting a consent attempt: a single-use `state`, an OpenID Connect nonce and PKCE verifier for the admin's
// sign-in, all bound to the browser that pressed "Continue to Microsoft".
import { generateConsentToken, hashToken } from '@crosstrust/core'
import type { ConsentLink, Customer } from '@crosstrust/db'
import { z } from 'zod'
import { recordAudit } from '../audit.ts'
import type { Actor, ServiceContext } from '../context.ts'
import { browserHash, newBrowserSecret } from './browser-binding.ts'
import { inspectConsentLink, linkUsable } from './links.ts'
import { DEFAULT_STATE_TTL_SECONDS, type ConsentSettings } from './settings.ts'

export interface StartedAttempt {
  /** Microsoft's account picker for the partner app. */
  redirectUrl: string
  attemptId: string
  /** Goes only into the starting browser's HttpOnly cookie. */
  browserSecret: string
  /** Seconds the browser cookie must live (the attempt's lifetime). */
  ttlSeconds: number
}

const SECRET_SHAPE = /^[A-Za-z0-9_-]{32,128}$/

async function startAttempt(
  ctx: ServiceContext,
  settings: ConsentSettings,
  link: ConsentLink,
  customer: Customer,
  actor: Actor,
  existingSecret: string | undefined,
): Promise<StartedAttempt> {
  const state = generateConsentToken()
  const nonce = generateConsentToken()
  const codeVerifier = generateConsentToken()
  // One secret per browser: a second tab (or "Try again") keeps the first attempt's binding valid.
  const browserSecret =
    existingSecret !== undefined && SECRET_SHAPE.test(existingSecret) ? existingSecret : newBrowserSecret()
  const ttlSeconds = settings.stateTtlSeconds ?? DEFAULT_STATE_TTL_SECONDS
  const now = ctx.now()
  const attempt = await ctx.db.$transaction(async (tx) => {
    const created = await tx.consentState.create({
      data: {
        stateHash: hashToken(state),
        consentLinkId: link.id,
        expiresAt: new Date(now.getTime() + ttlSeconds * 1000),
        phase: 'sign_in',
        browserHash: browserHash(browserSecret),
        nonce,
        codeVerifier,
      },
    })
    await recordAudit(tx, actor, {
      action: 'consent.started',
      customerId: customer.id,
      entityType: 'consent_link',
      entityId: link.id,
    })
    return created
  })
  const redirectUrl = await settings.signIn.authorizationUrl({ state, nonce, codeVerifier })
  return { redirectUrl, attemptId: attempt.id, browserSecret, ttlSeconds }
}

/** The admin pressed "Continue to Microsoft" on a link's landing page. */
export async function beginConsent(
  ctx: ServiceContext,
  settings: ConsentSettings,
  token: string,
  actor: Actor,
  browserSecret?: string,
): Promise<StartedAttempt | { status: 'expired' | 'revoked' | 'unknown' | 'completed' }> {
  const inspection = await inspectConsentLink(ctx, token)
  if (inspection.status !== 'valid') return { status: inspection.status }
  return startAttempt(ctx, settings, inspection.link, inspection.customer, actor, browserSecret)
}

/** "Try again" from a result page: a new attempt on the same link, if the link is still usable. */
export async function retryConsent(
  ctx: ServiceContext,
  settings: ConsentSettings,
  attemptId: string,
  actor: Actor,
  browserSecret?: string,
): Promise<StartedAttempt | { status: 'unknown' | 'unusable' }> {
  if (!z.uuid().safeParse(attemptId).success) return { status: 'unknown' }
  const attempt = await ctx.db.consentState.findUnique({
    where: { id: attemptId },
    include: { consentLink: { include: { customer: true } } },
  })
  if (!attempt) return { status: 'unknown' }
  const { customer, ...link } = attempt.consentLink
  if (!linkUsable(link, customer, ctx.now())) return { status: 'unusable' }
  return startAttempt(ctx, settings, link, customer, actor, browserSecret)
}
