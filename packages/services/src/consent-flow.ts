import {
  consentErrorKind,
  describeOnboardingProblem,
  generateConsentToken,
  hashToken,
} from '@crosstrust/core'
import type { ConsentLink, Customer } from '@crosstrust/db'
import { buildAdminConsentUrl } from '@crosstrust/microsoft'
import { z } from 'zod'
import { recordAudit } from './audit.ts'
import type { Actor, ServiceContext } from './context.ts'
import { loadSteps, moveStep, resetFrom } from './onboarding-steps.ts'

export interface ConsentSettings {
  loginUrl: string
  clientId: string
  /** Exactly the redirect URI registered on the app: `${PUBLIC_BASE_URL}/consent/callback`. */
  redirectUri: string
  /** How long the admin has to finish Microsoft's consent page. */
  stateTtlSeconds?: number
}

export type LinkInspection =
  | { status: 'valid'; link: ConsentLink; customer: Customer }
  | { status: 'completed'; link: ConsentLink; customer: Customer }
  | { status: 'expired' | 'revoked' | 'unknown' }

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{20,128}$/

/** What a consent link is, without revealing anything about links that do not exist. */
export async function inspectConsentLink(ctx: ServiceContext, token: string): Promise<LinkInspection> {
  if (!TOKEN_SHAPE.test(token)) return { status: 'unknown' }
  const link = await ctx.db.consentLink.findUnique({
    where: { tokenHash: hashToken(token) },
    include: { customer: true },
  })
  if (!link) return { status: 'unknown' }
  const { customer, ...bare } = link
  if (bare.usedAt) return { status: 'completed', link: bare, customer }
  if (
    bare.revokedAt ||
    customer.onboardingState === 'offboarded' ||
    customer.onboardingState === 'offboarding'
  ) {
    return { status: 'revoked' }
  }
  if (bare.expiresAt.getTime() <= ctx.now().getTime()) return { status: 'expired' }
  return { status: 'valid', link: bare, customer }
}

function consentTenant(customer: Customer): string {
  return customer.tenantId ?? customer.expectedTenantId ?? 'organizations'
}

async function startAttempt(
  ctx: ServiceContext,
  settings: ConsentSettings,
  link: ConsentLink,
  customer: Customer,
  actor: Actor,
): Promise<{ redirectUrl: string; attemptId: string }> {
  const state = generateConsentToken()
  const now = ctx.now()
  const attempt = await ctx.db.$transaction(async (tx) => {
    const created = await tx.consentState.create({
      data: {
        stateHash: hashToken(state),
        consentLinkId: link.id,
        expiresAt: new Date(now.getTime() + (settings.stateTtlSeconds ?? 3600) * 1000),
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
  const redirectUrl = buildAdminConsentUrl({
    loginUrl: settings.loginUrl,
    tenant: consentTenant(customer),
    clientId: settings.clientId,
    redirectUri: settings.redirectUri,
    state,
  })
  return { redirectUrl, attemptId: attempt.id }
}

/** The admin pressed "Continue to Microsoft": a fresh single-use `state` bound to this link. */
export async function beginConsent(
  ctx: ServiceContext,
  settings: ConsentSettings,
  token: string,
  actor: Actor,
): Promise<{ redirectUrl: string } | { status: 'expired' | 'revoked' | 'unknown' | 'completed' }> {
  const inspection = await inspectConsentLink(ctx, token)
  if (inspection.status !== 'valid') return { status: inspection.status }
  return startAttempt(ctx, settings, inspection.link, inspection.customer, actor)
}

/** "Try again" from a result page: a new attempt on the same link, if the link is still usable. */
export async function retryConsent(
  ctx: ServiceContext,
  settings: ConsentSettings,
  attemptId: string,
  actor: Actor,
): Promise<{ redirectUrl: string } | { status: 'unknown' | 'unusable' }> {
  if (!z.uuid().safeParse(attemptId).success) return { status: 'unknown' }
  const attempt = await ctx.db.consentState.findUnique({
    where: { id: attemptId },
    include: { consentLink: { include: { customer: true } } },
  })
  if (!attempt) return { status: 'unknown' }
  const { customer, ...link } = attempt.consentLink
  const usable =
    !link.usedAt &&
    !link.revokedAt &&
    link.expiresAt.getTime() > ctx.now().getTime() &&
    customer.onboardingState !== 'offboarding' &&
    customer.onboardingState !== 'offboarded'
  if (!usable) return { status: 'unusable' }
  return startAttempt(ctx, settings, link, customer, actor)
}

export const consentCallbackQuery = z.object({
  state: z.string().max(512).optional(),
  admin_consent: z.string().max(16).optional(),
  tenant: z.string().max(128).optional(),
  scope: z.string().max(2048).optional(),
  error: z.string().max(256).optional(),
  error_description: z.string().max(4096).optional(),
  error_uri: z.string().max(2048).optional(),
})
export type ConsentCallbackQuery = z.infer<typeof consentCallbackQuery>

export type CallbackResult =
  | { kind: 'invalid_state'; reason: 'missing' | 'unknown' | 'expired' | 'replayed' }
  | { kind: 'link_unusable'; attemptId: string }
  | { kind: 'declined'; attemptId: string; title: string; message: string; nextStep: string }
  | { kind: 'granted'; attemptId: string; customerId: string }

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * Microsoft redirected the admin back. Only a valid, unexpired, unused `state` changes anything. `error`
 * decides the outcome (Microsoft also sends `admin_consent=True` on errors); `tenant` is only a hint that
 * the onboarding job verifies through the token's `tid`.
 */
export async function completeConsent(
  ctx: ServiceContext,
  query: ConsentCallbackQuery,
  actor: Actor,
): Promise<CallbackResult> {
  if (!query.state) return { kind: 'invalid_state', reason: 'missing' }
  const now = ctx.now()
  const attempt = await ctx.db.consentState.findUnique({
    where: { stateHash: hashToken(query.state) },
    include: { consentLink: { include: { customer: true } } },
  })
  if (!attempt) return { kind: 'invalid_state', reason: 'unknown' }
  if (attempt.usedAt) return { kind: 'invalid_state', reason: 'replayed' }
  if (attempt.expiresAt.getTime() <= now.getTime()) return { kind: 'invalid_state', reason: 'expired' }
  const { customer, ...link } = attempt.consentLink
  const customerId = customer.id

  const result = await ctx.db.$transaction(async (tx): Promise<CallbackResult> => {
    // Single use even under a race: only one callback can flip used_at from null.
    const claimed = await tx.consentState.updateMany({
      where: { id: attempt.id, usedAt: null, expiresAt: { gt: now } },
      data: { usedAt: now },
    })
    if (claimed.count !== 1) return { kind: 'invalid_state', reason: 'replayed' }
    const current = await tx.consentLink.findUniqueOrThrow({ where: { id: link.id } })
    const fresh = await tx.customer.findUniqueOrThrow({ where: { id: customerId } })
    if (
      current.revokedAt ||
      current.usedAt ||
      fresh.onboardingState === 'offboarding' ||
      fresh.onboardingState === 'offboarded'
    ) {
      await recordAudit(tx, actor, {
        action: 'consent.callback_ignored',
        customerId,
        after: { reason: 'link no longer usable' },
      })
      return { kind: 'link_unusable', attemptId: attempt.id }
    }

    if (query.error !== undefined) {
      const kind = consentErrorKind(query.error, query.error_description)
      const problem = describeOnboardingProblem({
        kind,
        error: query.error,
        adminReason: query.error_description,
      })
      const steps = await loadSteps(tx, customerId)
      const consentStep = steps.find((s) => s.step === 'consent_received')
      if (consentStep?.status === 'failed') await moveStep(tx, customerId, 'consent_received', 'pending', now)
      if (consentStep?.status !== 'succeeded') {
        await moveStep(
          tx,
          customerId,
          'consent_received',
          'failed',
          now,
          `${problem.message} ${problem.nextStep}`,
          {
            error: query.error,
          },
        )
      }
      // Shown in the dashboard's "needs attention" list next to the customer.
      await tx.customer.update({
        where: { id: customerId },
        data: { lastFailureReason: `${problem.title}: ${problem.message}` },
      })
      await recordAudit(tx, actor, {
        action: kind === 'consent_cancelled' ? 'consent.cancelled' : 'consent.declined',
        customerId,
        after: { error: query.error },
      })
      return { kind: 'declined', attemptId: attempt.id, ...problem }
    }

    const hint = query.tenant !== undefined && GUID.test(query.tenant) ? query.tenant.toLowerCase() : null
    await tx.consentLink.update({ where: { id: link.id }, data: { usedAt: now } })
    await tx.customer.update({ where: { id: customerId }, data: { tenantIdHint: hint } })
    await resetFrom(tx, customerId, 'consent_received')
    await moveStep(
      tx,
      customerId,
      'consent_received',
      'succeeded',
      now,
      'The administrator granted admin consent.',
      {
        tenantHint: hint,
        scope: query.scope ?? null,
      },
    )
    await recordAudit(tx, actor, { action: 'consent.granted', customerId, after: { tenantHint: hint } })
    return { kind: 'granted', attemptId: attempt.id, customerId }
  })

  // After commit: a lost enqueue is recovered by the sweep (customers stuck in consent_received).
  if (result.kind === 'granted') {
    await ctx.enqueue('onboard', { customerId, consentReceivedAt: now.toISOString() })
  }
  return result
}

export interface AttemptStatus {
  customerName: string
  partnerConfigured: boolean
  failed: boolean
  onboardingState: string
  steps: { step: string; status: string; message: string | null; finishedAt: string | null }[]
}

/** What the admin's result page shows while onboarding runs. Safe to expose: no tenant internals. */
export async function consentAttemptStatus(
  ctx: ServiceContext,
  attemptId: string,
): Promise<AttemptStatus | null> {
  if (!z.uuid().safeParse(attemptId).success) return null
  const attempt = await ctx.db.consentState.findUnique({
    where: { id: attemptId },
    include: { consentLink: { include: { customer: { include: { onboardingSteps: true } } } } },
  })
  if (!attempt?.usedAt) return null
  const customer = attempt.consentLink.customer
  const order = [
    'link_issued',
    'consent_received',
    'access_verified',
    'prerequisites_checked',
    'policy_applied',
    'verified',
  ]
  const steps = [...customer.onboardingSteps]
    .sort((a, b) => order.indexOf(a.step) - order.indexOf(b.step))
    .map((s) => ({
      step: s.step,
      status: s.status,
      message: s.message,
      finishedAt: s.finishedAt?.toISOString() ?? null,
    }))
  return {
    customerName: customer.name,
    onboardingState: customer.onboardingState,
    partnerConfigured: customer.onboardingState === 'onboarded',
    failed: customer.onboardingState === 'failed',
    steps,
  }
}
