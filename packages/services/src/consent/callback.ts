// Microsoft's admin consent redirect. Only a consent-phase `state` from this same browser changes anything;
// the tenant it binds is the one the admin signed in with (verified ID token), never the `tenant` parameter.
import { consentErrorKind, describeOnboardingProblem, hashToken } from '@crosstrust/core'
import { z } from 'zod'
import { recordAudit } from '../audit.ts'
import type { Actor, ServiceContext } from '../context.ts'
import { moveSteps, statusOf } from '../onboarding-steps.ts'
import { sameBrowser, type BrowserSecrets } from './browser-binding.ts'
import { redirectErrorParams, type InvalidStateReason } from './sign-in.ts'

export const consentCallbackQuery = z.object({
  ...redirectErrorParams,
  admin_consent: z.string().max(16).optional(),
  tenant: z.string().max(128).optional(),
  scope: z.string().max(2048).optional(),
})
export type ConsentCallbackQuery = z.infer<typeof consentCallbackQuery>

export type CallbackResult =
  | { kind: 'invalid_state'; reason: InvalidStateReason }
  | { kind: 'link_unusable'; attemptId: string }
  | { kind: 'declined'; attemptId: string; title: string; message: string; nextStep: string }
  | { kind: 'granted'; attemptId: string; customerId: string }

/**
 * `error` decides the outcome (Microsoft also sends `admin_consent=True` on errors). A grant claims the state
 * and the link with conditional updates in one transaction: of two attempts on one link, one wins.
 */
export async function completeConsent(
  ctx: ServiceContext,
  query: ConsentCallbackQuery,
  browserSecret: BrowserSecrets,
  actor: Actor,
): Promise<CallbackResult> {
  if (!query.state) return { kind: 'invalid_state', reason: 'missing' }
  const now = ctx.now()
  const attempt = await ctx.db.consentState.findUnique({
    where: { stateHash: hashToken(query.state) },
    include: { consentLink: { include: { customer: true } } },
  })
  if (!attempt || attempt.phase !== 'consent' || attempt.signedInTenantId === null) {
    return { kind: 'invalid_state', reason: 'unknown' }
  }
  if (!sameBrowser(attempt.browserHash, browserSecret(attempt.id)))
    return { kind: 'invalid_state', reason: 'other_browser' }
  if (attempt.usedAt) return { kind: 'invalid_state', reason: 'replayed' }
  if (attempt.expiresAt.getTime() <= now.getTime()) return { kind: 'invalid_state', reason: 'expired' }
  const tenantId = attempt.signedInTenantId
  const { customer, ...link } = attempt.consentLink
  const customerId = customer.id
  const adminActor: Actor = {
    ...actor,
    ...(attempt.signedInOid === null ? {} : { id: attempt.signedInOid }),
    name: attempt.signedInUsername ?? attempt.signedInName ?? actor.name ?? 'customer administrator',
  }

  const result = await ctx.db.$transaction(async (tx): Promise<CallbackResult> => {
    const claimed = await tx.consentState.updateMany({
      where: { id: attempt.id, usedAt: null, expiresAt: { gt: now } },
      data: { usedAt: now },
    })
    if (claimed.count !== 1) return { kind: 'invalid_state', reason: 'replayed' }
    const fresh = await tx.customer.findUniqueOrThrow({ where: { id: customerId } })
    const leaving = fresh.onboardingState === 'offboarding' || fresh.onboardingState === 'offboarded'
    const ignored = async () => {
      await recordAudit(tx, adminActor, {
        action: 'consent.callback_ignored',
        customerId,
        after: { reason: 'link no longer usable' },
      })
      return { kind: 'link_unusable' as const, attemptId: attempt.id }
    }
    if (leaving) return ignored()

    if (query.error !== undefined) {
      const current = await tx.consentLink.findUniqueOrThrow({ where: { id: link.id } })
      if (current.revokedAt || current.usedAt) return ignored()
      const kind = consentErrorKind(query.error, query.error_description)
      const problem = describeOnboardingProblem(
        kind === 'consent_not_admin'
          ? {
              kind,
              error: query.error,
              adminReason: query.error_description,
              tenant: `tenant ${tenantId}`,
              ...(attempt.signedInUsername === null ? {} : { account: attempt.signedInUsername }),
            }
          : { kind, error: query.error, adminReason: query.error_description },
      )
      // A consent already received stays received; a failed one fails again with the new reason.
      await moveSteps(
        tx,
        customerId,
        (steps) => {
          const status = statusOf(steps, 'consent_received')
          if (status === 'succeeded') return []
          return [
            ...(status === 'failed' ? [{ step: 'consent_received' as const, to: 'pending' as const }] : []),
            {
              step: 'consent_received',
              to: 'failed',
              message: `${problem.message} ${problem.nextStep}`,
              detail: { error: query.error },
            },
          ]
        },
        now,
        { lastFailureReason: `${problem.title}: ${problem.message}` },
      )
      await recordAudit(tx, adminActor, {
        action: kind === 'consent_cancelled' ? 'consent.cancelled' : 'consent.declined',
        customerId,
        after: { error: query.error },
      })
      return { kind: 'declined', attemptId: attempt.id, ...problem }
    }

    // Microsoft confirms a grant with admin_consent=True; a bare callback (the admin skipped the consent page)
    // is no grant. The onboarding job's token still proves the consent either way.
    if (query.admin_consent?.toLowerCase() !== 'true') {
      await recordAudit(tx, adminActor, {
        action: 'consent.callback_ignored',
        customerId,
        after: { reason: 'no admin_consent=True in the response' },
      })
      return { kind: 'invalid_state', reason: 'no_consent' }
    }

    // One winner per link: only one attempt can flip the link's used_at from null.
    const linkClaim = await tx.consentLink.updateMany({
      where: { id: link.id, usedAt: null, revokedAt: null, expiresAt: { gt: now } },
      data: { usedAt: now },
    })
    if (linkClaim.count !== 1) return ignored()
    const admin = { oid: attempt.signedInOid, name: attempt.signedInName, username: attempt.signedInUsername }
    // A fresh consent: everything from it on starts over, with the consenting tenant.
    await moveSteps(
      tx,
      customerId,
      [
        { resetFrom: 'consent_received' },
        {
          step: 'consent_received',
          to: 'succeeded',
          message: 'The administrator granted admin consent.',
          detail: { tenantId, admin, scope: query.scope ?? null },
        },
      ],
      now,
      { consentedTenantId: tenantId },
    )
    await recordAudit(tx, adminActor, {
      action: 'consent.granted',
      customerId,
      // The redirect's `tenant` is recorded for investigation only; it binds nothing.
      after: { tenantId, admin, callbackTenant: query.tenant ?? null },
    })
    return { kind: 'granted', attemptId: attempt.id, customerId }
  })

  // After commit: a lost enqueue is recovered by the sweep (customers stuck in consent_received).
  if (result.kind === 'granted') {
    await ctx.enqueue('onboard', { customerId, consentReceivedAt: now.toISOString() })
  }
  return result
}
