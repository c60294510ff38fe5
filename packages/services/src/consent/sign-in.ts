// The admin is back from Microsoft's sign-in. The only tenant this can bind is the `tid` of the ID token
// Microsoft signed for that admin (verified in @crosstrust/microsoft); the decision which tenants a link
// accepts is core's `decideTenantBinding`. An accepted sign-in rotates the state and sends the admin to the
// admin consent endpoint of exactly that tenant.
import {
  decideTenantBinding,
  describeBindingRefusal,
  generateConsentToken,
  hashToken,
  type BindingRefusalMessage,
} from '@crosstrust/core'
import { AdminSignInError, buildAdminConsentUrl, type SignedInAdmin } from '@crosstrust/microsoft'
import { z } from 'zod'
import { recordAudit } from '../audit.ts'
import type { Actor, ServiceContext } from '../context.ts'
import { sameBrowser, type BrowserSecrets } from './browser-binding.ts'
import { linkUsable } from './links.ts'
import { tenantHolder } from './tenant-holder.ts'
import { DEFAULT_STATE_TTL_SECONDS, type ConsentSettings } from './settings.ts'

/** The OAuth error parameters Microsoft adds to either redirect (sign-in, admin consent) on a failure. */
export const redirectErrorParams = {
  state: z.string().max(512).optional(),
  error: z.string().max(256).optional(),
  error_subcode: z.string().max(64).optional(),
  error_description: z.string().max(4096).optional(),
  error_uri: z.string().max(2048).optional(),
}

export const signInCallbackQuery = z.object({
  ...redirectErrorParams,
  code: z.string().max(4096).optional(),
  client_info: z.string().max(4096).optional(),
  session_state: z.string().max(256).optional(),
})
export type SignInCallbackQuery = z.infer<typeof signInCallbackQuery>

export type InvalidStateReason =
  'missing' | 'unknown' | 'expired' | 'replayed' | 'other_browser' | 'no_consent'

export type SignInResult =
  | { kind: 'invalid_state'; reason: InvalidStateReason }
  | { kind: 'link_unusable'; attemptId: string }
  | { kind: 'sign_in_cancelled'; attemptId: string }
  | { kind: 'sign_in_failed'; attemptId: string; reason: 'microsoft_error' | 'not_verified' }
  | { kind: 'refused'; attemptId: string; refusal: BindingRefusalMessage }
  | { kind: 'continue'; redirectUrl: string }

export async function completeSignIn(
  ctx: ServiceContext,
  settings: ConsentSettings,
  query: SignInCallbackQuery,
  browserSecret: BrowserSecrets,
  actor: Actor,
): Promise<SignInResult> {
  if (!query.state) return { kind: 'invalid_state', reason: 'missing' }
  const attempt = await ctx.db.consentState.findUnique({
    where: { stateHash: hashToken(query.state) },
    include: { consentLink: { include: { customer: true } } },
  })
  if (!attempt || attempt.phase !== 'sign_in') return { kind: 'invalid_state', reason: 'unknown' }
  if (!sameBrowser(attempt.browserHash, browserSecret(attempt.id)))
    return { kind: 'invalid_state', reason: 'other_browser' }
  const now = ctx.now()
  if (attempt.expiresAt.getTime() <= now.getTime()) return { kind: 'invalid_state', reason: 'expired' }
  const { nonce, codeVerifier } = attempt
  if (attempt.usedAt || nonce === null || codeVerifier === null) {
    return { kind: 'invalid_state', reason: 'replayed' }
  }
  // Single use: only one request can take the PKCE verifier out of the row.
  const claimed = await ctx.db.consentState.updateMany({
    where: { id: attempt.id, phase: 'sign_in', codeVerifier: { not: null }, usedAt: null },
    data: { codeVerifier: null },
  })
  if (claimed.count !== 1) return { kind: 'invalid_state', reason: 'replayed' }
  const { customer, ...link } = attempt.consentLink
  const finish = (data: { usedAt?: Date }) => ctx.db.consentState.update({ where: { id: attempt.id }, data })

  if (!linkUsable(link, customer, now)) {
    await finish({ usedAt: now })
    return { kind: 'link_unusable', attemptId: attempt.id }
  }
  if (query.error !== undefined || !query.code) {
    await finish({ usedAt: now })
    // The account picker's back/cancel answers error=access_denied with error_subcode=cancel.
    const cancelled = query.error_subcode === 'cancel' || query.error === 'access_denied'
    await ctx.db.$transaction((tx) =>
      recordAudit(tx, actor, {
        action: cancelled ? 'consent.sign_in_cancelled' : 'consent.sign_in_failed',
        customerId: customer.id,
        after: { error: query.error ?? 'no code', subcode: query.error_subcode ?? null },
      }),
    )
    return cancelled
      ? { kind: 'sign_in_cancelled', attemptId: attempt.id }
      : { kind: 'sign_in_failed', attemptId: attempt.id, reason: 'microsoft_error' }
  }

  let admin: SignedInAdmin
  try {
    admin = await settings.signIn.complete(query.code, { state: query.state, nonce, codeVerifier })
  } catch (err) {
    await finish({ usedAt: now })
    const detail = err instanceof AdminSignInError ? err.message : 'unexpected error'
    await ctx.db.$transaction((tx) =>
      recordAudit(tx, actor, {
        action: 'consent.sign_in_failed',
        customerId: customer.id,
        after: { reason: detail },
      }),
    )
    if (!(err instanceof AdminSignInError)) throw err
    return { kind: 'sign_in_failed', attemptId: attempt.id, reason: 'not_verified' }
  }

  const holder = await tenantHolder(ctx.db, admin.tenantId, customer.id)
  const binding = decideTenantBinding({
    signedInTenantId: admin.tenantId,
    boundTenantId: customer.tenantId,
    expectedTenantId: customer.expectedTenantId,
    confirmedTenantId: customer.confirmedTenantId,
    partnerTenantId: settings.partnerTenantId,
    heldByAnotherCustomer: holder !== null,
  })
  const signedIn = {
    signedInTenantId: admin.tenantId,
    signedInOid: admin.oid,
    signedInName: admin.name,
    signedInUsername: admin.username,
    signedInAt: now,
  }
  const adminActor: Actor = { ...actor, id: admin.oid, name: admin.username ?? admin.name ?? actor.name }

  if (!binding.accepted) {
    await ctx.db.$transaction(async (tx) => {
      await tx.consentState.update({ where: { id: attempt.id }, data: { ...signedIn, usedAt: now } })
      await recordAudit(tx, adminActor, {
        action: 'consent.tenant_refused',
        customerId: customer.id,
        after: {
          reason: binding.reason,
          signedInTenantId: admin.tenantId,
          expected: binding.expectedTenantId,
        },
      })
    })
    return {
      kind: 'refused',
      attemptId: attempt.id,
      refusal: describeBindingRefusal(binding, settings.partnerName, {
        username: admin.username,
        tenantId: admin.tenantId,
      }),
    }
  }

  // A new state for the consent leg: the sign-in's state has been seen by Microsoft's sign-in and our callback.
  const consentState = generateConsentToken()
  const ttlSeconds = settings.stateTtlSeconds ?? DEFAULT_STATE_TTL_SECONDS
  await ctx.db.$transaction(async (tx) => {
    await tx.consentState.update({
      where: { id: attempt.id },
      data: {
        ...signedIn,
        phase: 'consent',
        stateHash: hashToken(consentState),
        nonce: null,
        expiresAt: new Date(now.getTime() + ttlSeconds * 1000),
      },
    })
    await recordAudit(tx, adminActor, {
      action: 'consent.signed_in',
      customerId: customer.id,
      after: {
        tenantId: admin.tenantId,
        basis: binding.basis,
        admin: { oid: admin.oid, username: admin.username, name: admin.name },
      },
    })
  })
  return {
    kind: 'continue',
    redirectUrl: buildAdminConsentUrl({
      loginUrl: settings.loginUrl,
      tenant: admin.tenantId,
      clientId: settings.clientId,
      redirectUri: settings.redirectUri,
      state: consentState,
    }),
  }
}
