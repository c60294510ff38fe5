// The customer admin's OpenID Connect sign-in on a status link. The tenant Crosstrust trusts is the `tid`
// of the ID token Microsoft signed (verified in @crosstrust/microsoft): it must be the customer's bound
// tenant, or nothing is shown. State, nonce and PKCE verifier are single use and bound to the browser that
// started the sign-in (the same binding as the consent sign-in). A successful sign-in becomes a short
// session on that one link: its secret lives only in an HttpOnly cookie, the database keeps its hash.
import { generateConsentToken, hashToken } from '@crosstrust/core'
import { AdminSignInError, type SignedInAdmin } from '@crosstrust/microsoft'
import { z } from 'zod'
import { recordAudit } from '../audit.ts'
import type { Actor, ServiceContext } from '../context.ts'
import {
  browserHash,
  newBrowserSecret,
  sameBrowser,
  type BrowserSecrets,
} from '../consent/browser-binding.ts'
import { redirectErrorParams } from '../consent/sign-in.ts'
import { inspectStatusLink } from './links.ts'
import {
  DEFAULT_STATUS_SESSION_TTL_SECONDS,
  DEFAULT_STATUS_STATE_TTL_SECONDS,
  type StatusPageSettings,
} from './settings.ts'

/** One cookie per sign-in, so two tabs never overwrite each other's binding. */
export function statusSignInCookieName(signInId: string): string {
  return `crosstrust_status_signin_${signInId.replaceAll('-', '')}`
}

export interface StartedStatusSignIn {
  redirectUrl: string
  signInId: string
  browserSecret: string
  cookieName: string
  ttlSeconds: number
}

/** The admin pressed "Sign in with Microsoft" on a status link's page. */
export async function beginStatusSignIn(
  ctx: ServiceContext,
  settings: StatusPageSettings,
  token: string,
): Promise<StartedStatusSignIn | { status: 'revoked' | 'unknown' }> {
  const link = await inspectStatusLink(ctx, token)
  if (link.status !== 'valid') return { status: link.status }
  const state = generateConsentToken()
  const nonce = generateConsentToken()
  const codeVerifier = generateConsentToken()
  const browserSecret = newBrowserSecret()
  const ttlSeconds = settings.stateTtlSeconds ?? DEFAULT_STATUS_STATE_TTL_SECONDS
  const now = ctx.now()
  const signIn = await ctx.db.statusSignIn.create({
    data: {
      statusLinkId: link.linkId,
      stateHash: hashToken(state),
      browserHash: browserHash(browserSecret),
      nonce,
      codeVerifier,
      createdAt: now,
      expiresAt: new Date(now.getTime() + ttlSeconds * 1000),
    },
  })
  const redirectUrl = await settings.signIn.authorizationUrl({ state, nonce, codeVerifier })
  return {
    redirectUrl,
    signInId: signIn.id,
    browserSecret,
    cookieName: statusSignInCookieName(signIn.id),
    ttlSeconds,
  }
}

export const statusSignInQuery = z.object({
  ...redirectErrorParams,
  code: z.string().max(4096).optional(),
  client_info: z.string().max(4096).optional(),
  session_state: z.string().max(256).optional(),
})
export type StatusSignInQuery = z.infer<typeof statusSignInQuery>

export type StatusSignInResult =
  | { kind: 'invalid_state'; reason: 'missing' | 'unknown' | 'expired' | 'replayed' | 'other_browser' }
  | { kind: 'link_revoked' }
  | { kind: 'sign_in_failed'; cancelled: boolean }
  | { kind: 'wrong_tenant'; username: string | null }
  | { kind: 'signed_in'; sessionSecret: string; ttlSeconds: number }

/** Microsoft sent the admin back to `/status/signed-in`. */
export async function completeStatusSignIn(
  ctx: ServiceContext,
  settings: StatusPageSettings,
  query: StatusSignInQuery,
  browserSecret: BrowserSecrets,
  actor: Actor,
): Promise<StatusSignInResult> {
  if (!query.state) return { kind: 'invalid_state', reason: 'missing' }
  const signIn = await ctx.db.statusSignIn.findUnique({
    where: { stateHash: hashToken(query.state) },
    include: { statusLink: { include: { customer: { select: { id: true, tenantId: true } } } } },
  })
  if (!signIn) return { kind: 'invalid_state', reason: 'unknown' }
  if (!sameBrowser(signIn.browserHash, browserSecret(signIn.id))) {
    return { kind: 'invalid_state', reason: 'other_browser' }
  }
  const now = ctx.now()
  if (signIn.expiresAt.getTime() <= now.getTime()) return { kind: 'invalid_state', reason: 'expired' }
  // Single use: only one request takes the PKCE verifier out of the row.
  const claimed = await ctx.db.statusSignIn.updateMany({
    where: { id: signIn.id, usedAt: null, codeVerifier: { not: null } },
    data: { codeVerifier: null, usedAt: now },
  })
  if (claimed.count !== 1 || signIn.codeVerifier === null)
    return { kind: 'invalid_state', reason: 'replayed' }
  const { customer, ...link } = signIn.statusLink
  if (link.revokedAt) return { kind: 'link_revoked' }
  if (query.error !== undefined || !query.code) {
    return { kind: 'sign_in_failed', cancelled: query.error === 'access_denied' }
  }

  let admin: SignedInAdmin
  try {
    admin = await settings.signIn.complete(query.code, {
      state: query.state,
      nonce: signIn.nonce,
      codeVerifier: signIn.codeVerifier,
    })
  } catch (err) {
    if (!(err instanceof AdminSignInError)) throw err
    await ctx.db.$transaction((tx) =>
      recordAudit(tx, actor, {
        action: 'status_page.sign_in_failed',
        customerId: customer.id,
        after: { reason: err.message },
      }),
    )
    return { kind: 'sign_in_failed', cancelled: false }
  }
  const adminActor: Actor = {
    ...actor,
    id: admin.oid,
    name: admin.username ?? admin.name ?? 'customer administrator',
  }
  const identity = { tenantId: admin.tenantId, oid: admin.oid, username: admin.username }

  // Only the customer's own tenant, as Microsoft signed it: an admin of any other tenant sees nothing.
  if (customer.tenantId === null || customer.tenantId.toLowerCase() !== admin.tenantId) {
    await ctx.db.$transaction((tx) =>
      recordAudit(tx, adminActor, {
        action: 'status_page.tenant_refused',
        customerId: customer.id,
        entityType: 'status_link',
        entityId: link.id,
        after: identity,
      }),
    )
    return { kind: 'wrong_tenant', username: admin.username }
  }

  const sessionSecret = generateConsentToken()
  const ttlSeconds = settings.sessionTtlSeconds ?? DEFAULT_STATUS_SESSION_TTL_SECONDS
  await ctx.db.$transaction(async (tx) => {
    await tx.statusSession.create({
      data: {
        statusLinkId: link.id,
        sessionHash: hashToken(sessionSecret),
        tenantId: admin.tenantId,
        oid: admin.oid,
        username: admin.username,
        name: admin.name,
        directoryRoles: admin.directoryRoles ?? [],
        directoryRolesKnown: admin.directoryRoles !== undefined && admin.directoryRoles !== null,
        createdAt: now,
        expiresAt: new Date(now.getTime() + ttlSeconds * 1000),
      },
    })
    await recordAudit(tx, adminActor, {
      action: 'status_page.signed_in',
      customerId: customer.id,
      entityType: 'status_link',
      entityId: link.id,
      after: { ...identity, directoryRoles: admin.directoryRoles ?? null },
    })
  })
  return { kind: 'signed_in', sessionSecret, ttlSeconds }
}
