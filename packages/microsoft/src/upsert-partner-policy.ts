// Idempotent "make the partner entry look like this" over the gateway, plus read-back polling.
// Generic on purpose: the bodies and the diff come from the policy definition in @crosstrust/core.
//   GET; 404 ⇒ POST; POST 409 (someone/something created it meanwhile) ⇒ GET + PATCH;
//   otherwise PATCH only when the patch body is non-empty.
// Entra is eventually consistent: right after a write (ours or a racing one) reads and PATCHes may
// still answer 404, so those are retried with backoff for a short while.
import { sleepAtLeast } from './backoff.ts'
import { isMicrosoftError } from './errors.ts'
import type { CallOptions, GraphGateway, GraphPartner, GraphPartnerBody } from './graph-gateway.ts'
import { DEFAULT_LAG_RETRY, type LagRetry } from './lag-retry.ts'
import { recreateWithoutNulls, topLevelNulls } from './recreate-partner-policy.ts'

export type { LagRetry } from './lag-retry.ts'
export { deletePartnerPolicy, type DeletePartnerPolicyResult } from './delete-partner-policy.ts'

export type PartnerPolicyGateway = Pick<
  GraphGateway,
  'getPartner' | 'createPartner' | 'updatePartner' | 'deletePartner'
>

export interface UpsertPartnerPolicyOptions {
  /** POST body (includes tenantId). */
  createBody: GraphPartnerBody
  /** PATCH body for what we observed; null or {} ⇒ nothing to change. */
  patchBodyFor: (observed: GraphPartner) => GraphPartnerBody | null
  lagRetry?: LagRetry
  call?: CallOptions
}

export interface UpsertPartnerPolicyResult {
  outcome: 'created' | 'patched' | 'unchanged'
  /** The entry before we changed anything (null: there was none). */
  before: GraphPartner | null
  /** What we sent with PATCH, if we did. */
  patch: GraphPartnerBody | null
  /** POST answered 409: the entry appeared between our GET and POST (or reads lagged). */
  conflictOnCreate: boolean
  /**
   * Graph refused the PATCH's top-level null (a reset to inherited), so the entry was deleted and created
   * again without that setting (recreate-partner-policy.ts).
   */
  recreated: boolean
  /** Graph request ids of every call made, in order. */
  requestIds: string[]
}

function isNotFound(error: unknown): boolean {
  return isMicrosoftError(error) && error.kind === 'not_found'
}

function isEmpty(body: GraphPartnerBody | null): boolean {
  return body === null || Object.keys(body).length === 0
}

export async function upsertPartnerPolicy(
  gateway: PartnerPolicyGateway,
  tenantId: string,
  partnerTenantId: string,
  options: UpsertPartnerPolicyOptions,
): Promise<UpsertPartnerPolicyResult> {
  const lag = options.lagRetry ?? DEFAULT_LAG_RETRY
  const requestIds: string[] = []
  const note = (id: string | undefined): void => {
    if (id !== undefined) requestIds.push(id)
  }

  const first = await gateway.getPartner(tenantId, partnerTenantId, options.call)
  note(first.requestId)
  let before = first.value
  let conflictOnCreate = false

  if (before === null) {
    try {
      const created = await gateway.createPartner(tenantId, options.createBody, options.call)
      note(created.requestId)
      return { outcome: 'created', before: null, patch: null, conflictOnCreate, recreated: false, requestIds }
    } catch (error) {
      if (!(isMicrosoftError(error) && error.kind === 'conflict')) throw error
      note(error.requestId)
      conflictOnCreate = true
    }
    // It exists but our read may lag: poll until we can see it.
    for (let attempt = 1; attempt <= lag.attempts && before === null; attempt += 1) {
      if (attempt > 1) await sleepAtLeast(lag.delayMs * 2 ** (attempt - 2))
      const again = await gateway.getPartner(tenantId, partnerTenantId, options.call)
      note(again.requestId)
      before = again.value
    }
  }

  // Still invisible after a 409: send the full desired state (everything but the key) as the PATCH.
  const patch =
    before === null
      ? Object.fromEntries(Object.entries(options.createBody).filter(([k]) => k !== 'tenantId'))
      : options.patchBodyFor(before)
  if (isEmpty(patch) || patch === null) {
    return { outcome: 'unchanged', before, patch: null, conflictOnCreate, recreated: false, requestIds }
  }

  for (let attempt = 1; ; attempt += 1) {
    try {
      const updated = await gateway.updatePartner(tenantId, partnerTenantId, patch, options.call)
      note(updated.requestId)
      return { outcome: 'patched', before, patch, conflictOnCreate, recreated: false, requestIds }
    } catch (error) {
      if (
        isMicrosoftError(error) &&
        error.kind === 'bad_request' &&
        before !== null &&
        topLevelNulls(patch).length > 0
      ) {
        note(error.requestId)
        await recreateWithoutNulls(gateway, tenantId, partnerTenantId, before, patch, {
          lag,
          call: options.call,
          note,
        })
        return { outcome: 'patched', before, patch, conflictOnCreate, recreated: true, requestIds }
      }
      if (!isNotFound(error) || attempt >= lag.attempts) throw error
      if (isMicrosoftError(error)) note(error.requestId)
      await sleepAtLeast(lag.delayMs * 2 ** (attempt - 1))
    }
  }
}

export interface ReadBackOptions {
  attempts: number
  /** The wait before the second read. */
  delayMs: number
  /**
   * When set, each later wait doubles up to this cap: a lag of a second is met by the read at 0.5 + 1 s
   * rather than waited out in fixed steps of the longest lag expected. Unset: every wait is `delayMs`.
   */
  maxDelayMs?: number
  call?: CallOptions
}

export interface ReadBackResult {
  matched: boolean
  /** The last value read. */
  value: GraphPartner | null
  attempts: number
  requestIds: string[]
}

/**
 * Reads the partner entry until `predicate` holds or attempts run out (reads may lag writes). The reads keep
 * to a schedule counted from the call, which comes right after the write: a slow read does not push the
 * next one later.
 */
export async function readBackUntil(
  gateway: Pick<GraphGateway, 'getPartner'>,
  tenantId: string,
  partnerTenantId: string,
  predicate: (observed: GraphPartner | null) => boolean,
  options: ReadBackOptions,
): Promise<ReadBackResult> {
  const requestIds: string[] = []
  let value: GraphPartner | null = null
  const start = Date.now()
  let readAt = 0
  for (let attempt = 1; attempt <= options.attempts; attempt += 1) {
    if (attempt > 1) {
      readAt += readBackDelay(options, attempt - 1)
      await sleepAtLeast(start + readAt - Date.now())
    }
    const read = await gateway.getPartner(tenantId, partnerTenantId, options.call)
    if (read.requestId !== undefined) requestIds.push(read.requestId)
    value = read.value
    if (predicate(value)) return { matched: true, value, attempts: attempt, requestIds }
  }
  return { matched: false, value, attempts: options.attempts, requestIds }
}

/**
 * The wait before read `n + 1` (n ≥ 1): `delayMs`, doubling up to `maxDelayMs` when that is set (a cap
 * below `delayMs` does not shorten it).
 */
export function readBackDelay(options: Pick<ReadBackOptions, 'delayMs' | 'maxDelayMs'>, n: number): number {
  if (options.maxDelayMs === undefined) return options.delayMs
  return Math.max(options.delayMs, Math.min(options.maxDelayMs, options.delayMs * 2 ** (n - 1)))
}
