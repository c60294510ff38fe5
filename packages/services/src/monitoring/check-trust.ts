import {
  evaluateTrustForTenant,
  type TrustEvaluation,
  type TrustRefreshInput,
} from '../effective-trust/refresh.ts'
import { persistTrust } from '../effective-trust/persist-trust.ts'
import { enqueueDeliveriesSafely } from '../notifications/enqueue-deliveries.ts'
import type { TrustDeps } from './settings.ts'

// Effective trust as a step of a check (docs/effective-trust.md): evaluated after the partner entry was read,
// inside the run's time span and before the run is recorded, so a visible run is a finished check. It never
// fails the check.

/** A check's trust evaluation, waiting to be stored with (single check) or beside (batch) its run. */
export interface CheckTrust {
  input: TrustRefreshInput
  evaluation: Extract<TrustEvaluation, { status: 'evaluated' }>
}

/**
 * Reads and evaluates the tenant's effective trust (Graph only, nothing stored). Null when there is nothing
 * to store: the entry was not read (`unknown`, `access_lost`, a failed check: a throttled tenant stays inside
 * Graph's Retry-After), a read failed (the last verdict stays), or the refresh broke.
 */
export async function evaluateCheckTrust(
  deps: TrustDeps,
  input: TrustRefreshInput & { outcome: string; failed: boolean },
): Promise<CheckTrust | null> {
  if (input.failed || input.outcome === 'unknown' || input.outcome === 'access_lost') return null
  return evaluateTrust(deps, input)
}

/**
 * The evaluation itself, for a caller that read the partner entry outside a check (onboarding's first
 * verdict, right after it verified the entry): no check outcome to guard on. Null when a read failed (the
 * last verdict stays) or the refresh broke; it never throws.
 */
export async function evaluateTrust(deps: TrustDeps, input: TrustRefreshInput): Promise<CheckTrust | null> {
  try {
    const evaluation = await evaluateTrustForTenant(deps, input)
    return evaluation.status === 'evaluated' ? { input, evaluation } : null
  } catch (err) {
    deps.log?.('effective trust refresh failed', {
      customerId: input.customerId,
      err: err instanceof Error ? err.message : String(err),
    })
    return null
  }
}

/**
 * Stores one check's verdict in its own transaction and enqueues a change's notification after the commit.
 * `notified`: a `trust_changed` notification was recorded (a later attribution of its cause follows it up).
 */
export async function storeCheckTrust(deps: TrustDeps, trust: CheckTrust): Promise<{ notified: boolean }> {
  const { ctx } = deps
  try {
    const now = ctx.now()
    const { deliveryIds, changed } = await ctx.db.$transaction((tx) =>
      persistTrust(tx, trust.input, trust.evaluation.result, now),
    )
    await enqueueDeliveriesSafely(ctx.enqueue, deliveryIds, deps.log)
    return { notified: changed && trust.input.notify }
  } catch (err) {
    deps.log?.('effective trust not stored', {
      customerId: trust.input.customerId,
      err: err instanceof Error ? err.message : String(err),
    })
    return { notified: false }
  }
}
