// Starting a consent attempt: a single-use `state`, an OpenID Connect nonce and PKCE verifier for the admin's
// sign-in, all bound to the browser that pressed "Continue to Microsoft".
import { generateConsentToken, hashToken } from '@crosstrust/core'
import { z } from 'zod'
import { recordAudit } from '../audit.ts'
import type { Actor, ServiceContext } from '../context.ts'
import {
  browserHash,
  consentCookieName,
  newBrowserSecret,
  sameBrowser,
  type BrowserSecrets,
} from './browser-binding.ts'
import { inspectConsentLink, linkUsable, type InspectedCustomer, type InspectedLink } from './links.ts'
import { DEFAULT_STATE_TTL_SECONDS, type ConsentSettings } from './settings.ts'

export interface StartedAttempt {
  /** Microsoft's account picker for the partner app. */
  redirectUrl: string
  attemptId: string
  /** Goes only into the starting browser's HttpOnly cookie, named `cookieName`. */
  browserSecret: string
  cookieName: string
  /** Seconds the browser cookie must live (the attempt's lifetime). */
  ttlSeconds: number
}

async function startAttempt(
  ctx: ServiceContext,
  settings: ConsentSettings,
  link: Pick<InspectedLink, 'id'>,
  customer: Pick<InspectedCustomer, 'id'>,
  actor: Actor,
): Promise<StartedAttempt> {
  const state = generateConsentToken()
  const nonce = generateConsentToken()
  const codeVerifier = generateConsentToken()
  const browserSecret = newBrowserSecret()
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
  return {
    redirectUrl,
    attemptId: attempt.id,
    browserSecret,
    cookieName: consentCookieName(attempt.id),
    ttlSeconds,
  }
}

/** The admin pressed "Continue to Microsoft" on a link's landing page. */
export async function beginConsent(
  ctx: ServiceContext,
  settings: ConsentSettings,
  token: string,
  actor: Actor,
): Promise<StartedAttempt | { status: 'expired' | 'revoked' | 'unknown' | 'completed' }> {
  const inspection = await inspectConsentLink(ctx, token)
  if (inspection.status !== 'valid') return { status: inspection.status }
  return startAttempt(ctx, settings, inspection.link, inspection.customer, actor)
}

/**
 * "Try again" from a result page: a new attempt on the same link, if the link is still usable and the request
 * comes from the browser of the earlier attempt (an attempt id alone, e.g. from a log, restarts nothing).
 */
export async function retryConsent(
  ctx: ServiceContext,
  settings: ConsentSettings,
  attemptId: string,
  actor: Actor,
  browserSecret: BrowserSecrets,
): Promise<StartedAttempt | { status: 'unknown' | 'unusable' }> {
  if (!z.uuid().safeParse(attemptId).success) return { status: 'unknown' }
  const attempt = await ctx.db.consentState.findUnique({
    where: { id: attemptId },
    include: { consentLink: { include: { customer: true } } },
  })
  if (!attempt || !sameBrowser(attempt.browserHash, browserSecret(attempt.id))) return { status: 'unknown' }
  const { customer, ...link } = attempt.consentLink
  if (!linkUsable(link, customer, ctx.now())) return { status: 'unusable' }
  return startAttempt(ctx, settings, link, customer, actor)
}
