import {
  ConflictError,
  MONITORING_MODES,
  NotFoundError,
  ValidationError,
  nextCheckAt,
} from '@crosstrust/core'
import type { Customer } from '@crosstrust/db'
import { z } from 'zod'
import { recordAudit } from '../audit.ts'
import { beginOffboarding } from './begin-offboarding.ts'
import type { Actor, ServiceContext } from '../context.ts'

// Staff actions on monitoring (the API exposes them). Each validates, changes Postgres and records an audit
// event in one transaction, and only then enqueues work (no enqueue inside a transaction: a rolled-back
// change must not leave a job behind; a lost enqueue is recovered by the sweep or by asking again).

export interface QueuedAction {
  customerId: string
  /** What was queued, e.g. `check`, `apply`, `offboard`; null when nothing needed to run. */
  queued: 'check' | 'apply' | 'offboard' | null
  requestedAt: string
}

export const CHECK_INTERVAL_BOUNDS = { min: 300, max: 7 * 24 * 3600 } as const

async function loadCustomer(ctx: ServiceContext, customerId: string): Promise<Customer> {
  if (!z.uuid().safeParse(customerId).success) throw new NotFoundError(`No customer ${customerId}.`)
  const customer = await ctx.db.customer.findUnique({ where: { id: customerId } })
  if (!customer) throw new NotFoundError(`No customer ${customerId}.`)
  return customer
}

function requireOnboarded(customer: Customer, what: string): void {
  if (customer.onboardingState !== 'onboarded') {
    throw new ConflictError(
      `Cannot ${what}: the customer is ${customer.onboardingState.replace('_', ' ')}, not onboarded.`,
      { code: 'not_onboarded', extensions: { onboardingState: customer.onboardingState } },
    )
  }
}

/** Records that staff asked for a run of an onboarded customer, then queues it (after the commit). */
async function requestRun(
  ctx: ServiceContext,
  customerId: string,
  actor: Actor,
  kind: 'check' | 'apply',
): Promise<QueuedAction> {
  const customer = await loadCustomer(ctx, customerId)
  requireOnboarded(customer, kind === 'check' ? 'check' : 're-apply the policy')
  const now = ctx.now()
  await ctx.db.$transaction((tx) =>
    recordAudit(tx, actor, { action: `${kind}.requested`, customerId, after: { trigger: 'staff' } }),
  )
  if (kind === 'check') await ctx.enqueue('check', { customerId, trigger: 'staff', dueAt: now.toISOString() })
  else await ctx.enqueue('apply', { customerId, trigger: 'staff', requestedAt: now.toISOString() })
  return { customerId, queued: kind, requestedAt: now.toISOString() }
}

/** Check now (trigger `staff`), whatever the schedule or backoff says. */
export function requestRecheck(ctx: ServiceContext, customerId: string, actor: Actor): Promise<QueuedAction> {
  return requestRun(ctx, customerId, actor, 'check')
}

/** Re-apply the policy now (run kind `apply`), repairing repairable differences whatever the mode. */
export function requestApply(ctx: ServiceContext, customerId: string, actor: Actor): Promise<QueuedAction> {
  return requestRun(ctx, customerId, actor, 'apply')
}

/** What staff pass when they offboard; `confirmName` is the name typed on the dashboard to prove intent. */
export interface OffboardInput {
  reason?: string
  /** When given, it must equal the customer's name (trimmed) or nothing changes. */
  confirmName?: string
}

/**
 * Starts offboarding: the customer moves to `offboarding` (checks stop) and the offboard job deletes the
 * partner entry. Asking again while offboarding re-enqueues the same job (its id is per customer).
 */
export async function requestOffboard(
  ctx: ServiceContext,
  customerId: string,
  actor: Actor,
  input: OffboardInput = {},
): Promise<QueuedAction> {
  const reason = z.string().trim().max(1000).optional().parse(input.reason)
  const customer = await loadCustomer(ctx, customerId)
  // Offboarding removes the partner entry from the customer's tenant: typing the name proves intent.
  if (input.confirmName !== undefined && input.confirmName.trim() !== customer.name.trim()) {
    throw new ValidationError(
      'Nothing changed: type the customer’s name exactly to confirm offboarding.',
      [],
      {
        code: 'confirmation_mismatch',
      },
    )
  }
  if (customer.onboardingState === 'offboarded') {
    throw new ConflictError('The customer is already offboarded.', { code: 'already_offboarded' })
  }
  const now = ctx.now()
  if (customer.onboardingState !== 'offboarding') {
    await ctx.db.$transaction(async (tx) => {
      await beginOffboarding(tx, customerId, customer.onboardingState, { by: 'partner' })
      await recordAudit(tx, actor, {
        action: 'customer.offboard_requested',
        customerId,
        before: { onboardingState: customer.onboardingState },
        after: { onboardingState: 'offboarding', reason: reason ?? null },
      })
    })
  }
  await ctx.enqueue('offboard', {
    customerId,
    requestedAt: now.toISOString(),
    actor: actor.id ?? actor.name ?? actor.type,
  })
  return { customerId, queued: 'offboard', requestedAt: now.toISOString() }
}

const modeSchema = z.enum(MONITORING_MODES).nullable()

/** Sets the customer's mode (`null` = the global default). Switching to remediate checks at once. */
export async function changeMode(
  ctx: ServiceContext,
  customerId: string,
  mode: 'report' | 'alert' | 'remediate' | null,
  actor: Actor,
): Promise<{ customerId: string; mode: 'report' | 'alert' | 'remediate' | null; queued: 'check' | null }> {
  const parsed = modeSchema.safeParse(mode)
  if (!parsed.success) {
    throw new ValidationError('mode must be report, alert, remediate or null (the default).', [
      { path: 'mode', message: 'invalid mode' },
    ])
  }
  const customer = await loadCustomer(ctx, customerId)
  if (customer.onboardingState === 'offboarded') {
    throw new ConflictError('The customer is offboarded.', { code: 'offboarded' })
  }
  const now = ctx.now()
  if (customer.mode !== parsed.data) {
    await ctx.db.$transaction(async (tx) => {
      await tx.customer.update({
        where: { id: customerId },
        data: { mode: parsed.data, version: { increment: 1 } },
      })
      await recordAudit(tx, actor, {
        action: 'customer.mode_changed',
        customerId,
        before: { mode: customer.mode },
        after: { mode: parsed.data },
      })
    })
  }
  // Drift already known is repaired now rather than at the next scheduled check.
  const repairNow =
    parsed.data === 'remediate' &&
    customer.onboardingState === 'onboarded' &&
    (customer.complianceState === 'drifted' || customer.complianceState === 'removed_by_customer')
  if (repairNow) await ctx.enqueue('check', { customerId, trigger: 'staff', dueAt: now.toISOString() })
  return { customerId, mode: parsed.data, queued: repairNow ? 'check' : null }
}

const intervalSchema = z.int().min(CHECK_INTERVAL_BOUNDS.min).max(CHECK_INTERVAL_BOUNDS.max).nullable()

/**
 * Sets the customer's check interval in seconds (`null` = the global default). The next check moves to
 * now + new interval when that is sooner than the one scheduled.
 */
export async function changeCheckInterval(
  ctx: ServiceContext,
  customerId: string,
  seconds: number | null,
  actor: Actor,
  defaultIntervalSeconds: number,
): Promise<{ customerId: string; checkIntervalSeconds: number | null; nextCheckAt: string | null }> {
  const parsed = intervalSchema.safeParse(seconds)
  if (!parsed.success) {
    throw new ValidationError(
      `checkIntervalSeconds must be a whole number between ${CHECK_INTERVAL_BOUNDS.min} and ${CHECK_INTERVAL_BOUNDS.max}, or null (the default).`,
      [{ path: 'checkIntervalSeconds', message: 'out of range' }],
    )
  }
  const customer = await loadCustomer(ctx, customerId)
  if (customer.onboardingState === 'offboarded') {
    throw new ConflictError('The customer is offboarded.', { code: 'offboarded' })
  }
  const now = ctx.now()
  const interval = parsed.data ?? defaultIntervalSeconds
  let next = customer.nextCheckAt
  if (customer.onboardingState === 'onboarded') {
    const candidate = nextCheckAt(now, interval, customerId)
    if (next === null || candidate < next) next = candidate
  }
  await ctx.db.$transaction(async (tx) => {
    await tx.customer.update({
      where: { id: customerId },
      data: { checkIntervalSeconds: parsed.data, nextCheckAt: next, version: { increment: 1 } },
    })
    await recordAudit(tx, actor, {
      action: 'customer.check_interval_changed',
      customerId,
      before: { checkIntervalSeconds: customer.checkIntervalSeconds, nextCheckAt: customer.nextCheckAt },
      after: { checkIntervalSeconds: parsed.data, nextCheckAt: next },
    })
  })
  return { customerId, checkIntervalSeconds: parsed.data, nextCheckAt: next?.toISOString() ?? null }
}

/** Clears the failure backoff and checks now. The failure count stays until a check succeeds. */
export async function forceRetry(
  ctx: ServiceContext,
  customerId: string,
  actor: Actor,
): Promise<QueuedAction> {
  const customer = await loadCustomer(ctx, customerId)
  requireOnboarded(customer, 'retry')
  const now = ctx.now()
  await ctx.db.$transaction(async (tx) => {
    await tx.customer.update({
      where: { id: customerId },
      data: { backoffUntil: null, nextCheckAt: now, version: { increment: 1 } },
    })
    await recordAudit(tx, actor, {
      action: 'check.force_retry',
      customerId,
      before: {
        backoffUntil: customer.backoffUntil,
        consecutiveFailures: customer.consecutiveFailures,
        lastFailureReason: customer.lastFailureReason,
      },
      after: { backoffUntil: null, nextCheckAt: now },
    })
  })
  await ctx.enqueue('check', { customerId, trigger: 'staff', dueAt: now.toISOString() })
  return { customerId, queued: 'check', requestedAt: now.toISOString() }
}
