import pLimit, { type LimitFunction } from 'p-limit'
import { currentPolicy } from '../../policy-store.ts'
import { persistCheck } from '../check-persist.ts'
import { storeCheckTrust } from '../check-trust.ts'
import type { DueCheck } from '../due-work.ts'
import { examineCustomer, type CheckExamination } from '../examine.ts'
import type { MonitoringDeps } from '../settings.ts'
import { persistRoutineChecks, type RoutineCheck } from './bulk-persist.ts'
import { claimCheckBatch, type ClaimedCheck } from './claim-batch.ts'

export type CheckLimiter = LimitFunction

/**
 * The process's bound on checks in flight, shared by every batch it runs at once (WORKER_CONCURRENCY):
 * what the Graph and token endpoints see is this many tenants at a time, however the batches are cut.
 */
export function createCheckLimiter(concurrency: number): CheckLimiter {
  return pLimit(concurrency)
}

export interface CheckBatchResult {
  /** Due checks the batch was given. */
  given: number
  /** Claimed and examined (the rest were checked since, are no longer onboarded, or failed unexpectedly). */
  checked: number
  /** Written by the one bulk statement. */
  routine: number
  /** Written per customer (state change, repair or changed trust verdict). */
  eventful: number
  /** Examinations that threw (a bug or a lost database): their claims lapse and the sweep retries them. */
  failed: number
}

/**
 * The scheduled checks of a batch of customers (their tenant locks held by the caller): one statement claims
 * them and reads their deviations and trust verdicts, one reads the policy, the Microsoft half of each check
 * runs under `limit` (the process's bound on checks in flight; each tenant's own calls stay in order:
 * token, then GET), and one statement writes every routine result. Eventful checks (state change, repair,
 * changed verdict) are written per customer, transactionally, with their audit events and notifications.
 * A crash mid-batch loses nothing: unfinished claims lapse with their lease and the sweep picks them up.
 */
export async function runCheckBatch(
  deps: MonitoringDeps,
  checks: readonly DueCheck[],
  limit: CheckLimiter,
): Promise<CheckBatchResult> {
  const { ctx, settings } = deps
  const startedAt = ctx.now()
  const claimed = await claimCheckBatch(ctx.db, checks, startedAt, settings.checkLeaseSeconds)
  const result: CheckBatchResult = { given: checks.length, checked: 0, routine: 0, eventful: 0, failed: 0 }
  if (claimed.length === 0) return result
  const policy = await currentPolicy(ctx.db)

  const examined = await Promise.all(
    claimed.map((claim) =>
      limit(async () => {
        try {
          const target = {
            policy,
            deviations: claim.deviations,
            mode: claim.customer.mode ?? settings.defaultMode,
          }
          const examination = await examineCustomer(
            deps,
            { kind: 'check', trigger: 'schedule' },
            claim.customer,
            target,
            startedAt,
          )
          return { claim, examination }
        } catch (err) {
          deps.log?.('check failed unexpectedly; its claim lapses and the sweep retries it', {
            customerId: claim.customer.id,
            err: err instanceof Error ? err.message : String(err),
          })
          return null
        }
      }),
    ),
  )

  const routine: RoutineCheck[] = []
  const eventful: CheckExamination[] = []
  for (const item of examined) {
    if (item === null) continue
    if (isRoutine(item.claim, item.examination)) routine.push(item.examination)
    else eventful.push(item.examination)
  }
  await persistRoutineChecks(ctx.db, routine, ctx.now())
  for (const { facts, record, trust } of eventful) {
    const { notified } = trust === null ? { notified: false } : await storeCheckTrust(deps, trust)
    await persistCheck(deps, facts, record, notified)
  }
  const failed = examined.filter((item) => item === null).length
  return {
    ...result,
    checked: examined.length - failed,
    routine: routine.length,
    eventful: eventful.length,
    failed,
  }
}

/**
 * No state change, no repair sent, the default policy as before (a change is recorded and attributed), and a
 * trust verdict that is new or unchanged (a change notifies).
 */
function isRoutine(claim: ClaimedCheck, { facts, record, trust }: CheckExamination): boolean {
  if (record.stateChanged || facts.repair !== null || facts.defaultPolicy.kind === 'changed') return false
  if (trust === null || claim.trustVerdict === null) return true
  return trust.evaluation.result.verdict === claim.trustVerdict
}
