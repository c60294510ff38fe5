import { ConflictError, NotFoundError, ValidationError } from '@crosstrust/core'
import type { AcceptedDeviation } from '@crosstrust/db'
import { z } from 'zod'
import { recordAudit } from '../audit.ts'
import { jsonValueOrJsonNull } from '../json-value.ts'
import type { Actor, ServiceContext } from '../context.ts'
import { currentPolicy } from '../policy-store.ts'

// Accepted deviations: staff accept one specific field difference with a reason, an
// owner and an expiry. Core's evaluation treats it as not-drift until it expires, then as drift again.

export const MAX_DEVIATION_DAYS = 366

export const acceptDeviationInput = z
  .object({
    /** An owned policy field path, e.g. `inboundTrust.isHybridAzureADJoinedDeviceAccepted`. */
    field: z.string().trim().min(1).max(200),
    /**
     * The observed value being accepted (JSON; `null` = inherited). Omitted: the value the latest check
     * observed. A different value later is drift again: staff accept a specific difference, not a field.
     */
    acceptedValue: z.unknown().optional(),
    reason: z.string().trim().min(1, 'reason is required').max(2000),
    owner: z.string().trim().min(1, 'owner is required').max(200),
    expiresAt: z.union([z.date(), z.iso.datetime({ offset: true })]).transform((v) => new Date(v)),
  })
  .strict()
export type AcceptDeviationInput = z.input<typeof acceptDeviationInput>

/** An accepted deviation as staff surfaces show it (the JSON API, the customer page). */
export interface DeviationView {
  id: string
  field: string
  acceptedValue: unknown
  reason: string
  owner: string
  expiresAt: Date
  createdBy: string
  createdAt: Date
}

export function deviationView(d: AcceptedDeviation): DeviationView {
  return {
    id: d.id,
    field: d.field,
    acceptedValue: d.acceptedValue,
    reason: d.reason,
    owner: d.owner,
    expiresAt: d.expiresAt,
    createdBy: d.createdBy,
    createdAt: d.createdAt,
  }
}

function fail(path: string, message: string): never {
  throw new ValidationError(message, [{ path, message }])
}

export async function acceptDeviation(
  ctx: ServiceContext,
  customerId: string,
  rawInput: AcceptDeviationInput,
  actor: Actor,
): Promise<DeviationView> {
  const parsed = acceptDeviationInput.safeParse(rawInput)
  if (!parsed.success) {
    throw new ValidationError(
      'Invalid deviation.',
      parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    )
  }
  const input = parsed.data
  const now = ctx.now()
  if (input.expiresAt <= now) fail('expiresAt', 'expiresAt must be in the future')
  if (input.expiresAt.getTime() - now.getTime() > MAX_DEVIATION_DAYS * 86_400_000) {
    fail('expiresAt', `expiresAt must be within ${MAX_DEVIATION_DAYS} days`)
  }
  const policy = await currentPolicy(ctx.db)
  if (!policy.fields.some((field) => field.path === input.field)) {
    fail('field', `field must be one of the policy's fields: ${policy.fields.map((f) => f.path).join(', ')}`)
  }
  const customer = await ctx.db.customer.findUnique({
    where: { id: customerId },
    select: { id: true, onboardingState: true, lastObservedSnapshot: true },
  })
  if (!customer) throw new NotFoundError(`No customer ${customerId}.`)
  if (customer.onboardingState === 'offboarded' || customer.onboardingState === 'offboarding') {
    throw new ConflictError('The customer is being offboarded.', { code: 'offboarded' })
  }
  let acceptedValue: unknown = input.acceptedValue
  if (!('acceptedValue' in rawInput)) {
    const snapshot = customer.lastObservedSnapshot
    if (typeof snapshot !== 'object' || snapshot === null || !(input.field in snapshot)) {
      fail('acceptedValue', 'acceptedValue is required: no observed value is known for this field yet')
    }
    acceptedValue = (snapshot as Record<string, unknown>)[input.field]
  }
  const value = jsonValueOrJsonNull(acceptedValue)

  const deviation = await ctx.db.$transaction(async (tx) => {
    const created = await tx.acceptedDeviation.create({
      data: {
        customerId,
        field: input.field,
        acceptedValue: value,
        reason: input.reason,
        owner: input.owner,
        expiresAt: input.expiresAt,
        createdBy: actor.id ?? actor.name ?? actor.type,
      },
    })
    await recordAudit(tx, actor, {
      action: 'deviation.accepted',
      customerId,
      entityType: 'accepted_deviation',
      entityId: created.id,
      after: {
        field: created.field,
        acceptedValue: acceptedValue ?? null,
        reason: created.reason,
        owner: created.owner,
        expiresAt: created.expiresAt,
      },
    })
    return created
  })
  // The customer's state should reflect the acceptance now, not at the next scheduled check.
  if (customer.onboardingState === 'onboarded') {
    await ctx.enqueue('check', { customerId, trigger: 'staff', dueAt: now.toISOString() })
  }
  return deviationView(deviation)
}

export async function revokeDeviation(
  ctx: ServiceContext,
  customerId: string,
  deviationId: string,
  actor: Actor,
): Promise<DeviationView> {
  if (!z.uuid().safeParse(deviationId).success) throw new NotFoundError(`No deviation ${deviationId}.`)
  const existing = await ctx.db.acceptedDeviation.findFirst({ where: { id: deviationId, customerId } })
  if (!existing) throw new NotFoundError(`No deviation ${deviationId} for this customer.`)
  if (existing.revokedAt !== null) {
    throw new ConflictError('The deviation is already revoked.', { code: 'already_revoked' })
  }
  const now = ctx.now()
  const revoked = await ctx.db.$transaction(async (tx) => {
    const updated = await tx.acceptedDeviation.update({
      where: { id: deviationId },
      data: { revokedAt: now, revokedBy: actor.id ?? actor.name ?? actor.type },
    })
    await recordAudit(tx, actor, {
      action: 'deviation.revoked',
      customerId,
      entityType: 'accepted_deviation',
      entityId: deviationId,
      before: { field: existing.field, expiresAt: existing.expiresAt, revokedAt: null },
      after: { revokedAt: now },
    })
    return updated
  })
  const customer = await ctx.db.customer.findUnique({
    where: { id: customerId },
    select: { onboardingState: true },
  })
  if (customer?.onboardingState === 'onboarded') {
    await ctx.enqueue('check', { customerId, trigger: 'staff', dueAt: now.toISOString() })
  }
  return deviationView(revoked)
}

/** Deviations of a customer, newest first (active and past), for the customer page. */
export async function listDeviations(ctx: ServiceContext, customerId: string): Promise<DeviationView[]> {
  const rows = await ctx.db.acceptedDeviation.findMany({
    where: { customerId },
    orderBy: { createdAt: 'desc' },
  })
  return rows.map(deviationView)
}
