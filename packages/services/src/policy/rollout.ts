import { spreadWithin, NotFoundError } from '@crosstrust/core'
import { z } from 'zod'
import { recordAudit } from '../audit.ts'
import { SYSTEM_ACTOR, type ServiceContext } from '../context.ts'

// Rolling a policy version out = re-checking every onboarded customer against it. We do not enqueue one
// job per customer here: for 100,000 customers that is 100,000 delayed jobs in Redis, a burst on the
// workers, and work lost if Redis is flushed. Instead each customer's `next_check_at` (Postgres, the
// truth) is pulled forward to a point spread uniformly over the rollout window (core `spreadWithin`), and
// the scheduler sweep enqueues them as they fall due, in batches, with per-tenant serialization, failure
// backoff and everything else a scheduled check has. A due check always evaluates the current policy; per
// mode it repairs (remediate) or reports drift against the new version (report, alert). If scheduling is
// interrupted, the customers not yet pulled forward are still checked at their normal time (at most one
// check interval later): a rollout always completes.

export interface RolloutOptions {
  /** Spread the re-checks over this many seconds (default 1 h). */
  windowSeconds?: number
  /** Customers updated per statement (default 1000). */
  batchSize?: number
}

/** Pulls every onboarded customer's next check into the window; returns how many were moved. */
export async function startRollout(
  ctx: ServiceContext,
  rolloutId: string,
  now: Date,
  options: RolloutOptions = {},
): Promise<number> {
  const windowSeconds = options.windowSeconds ?? 3600
  const batchSize = options.batchSize ?? 1000
  let after: string | null = null
  let moved = 0
  for (;;) {
    const batch: { id: string; nextCheckAt: Date | null }[] = await ctx.db.customer.findMany({
      where: { onboardingState: 'onboarded', ...(after === null ? {} : { id: { gt: after } }) },
      orderBy: { id: 'asc' },
      take: batchSize,
      select: { id: true, nextCheckAt: true },
    })
    const last = batch.at(-1)
    if (last === undefined) break
    after = last.id
    const ids: string[] = []
    const dues: Date[] = []
    for (const customer of batch) {
      const due = spreadWithin(now, windowSeconds, `${rolloutId}|${customer.id}`)
      // Only ever earlier: a customer already due sooner keeps its time.
      if (customer.nextCheckAt === null || due < customer.nextCheckAt) {
        ids.push(customer.id)
        dues.push(due)
      }
    }
    if (ids.length > 0) {
      moved += await ctx.db.$executeRaw`
        UPDATE customers AS c SET next_check_at = LEAST(COALESCE(c.next_check_at, v.due), v.due)
        FROM unnest(${ids}::uuid[], ${dues}::timestamptz[]) AS v(id, due)
        WHERE c.id = v.id AND c.onboarding_state = 'onboarded'`
    }
    if (batch.length < batchSize) break
  }
  return moved
}

export interface RolloutProgress {
  id: string
  version: number
  status: 'running' | 'completed' | 'failed' | 'cancelled'
  startedAt: Date
  finishedAt: Date | null
  startedBy: string | null
  /** Onboarded customers now. */
  total: number
  /** Checked against the new version: compliant with it, or reported/repaired drift against it. */
  done: number
  /** Of `done`: verified compliant with this version (or a later one). */
  compliant: number
  /** Of `done`: checked and drifted from this version (report/alert mode, or a repair still pending). */
  drifted: number
  /** Checked against the new version but the check failed: access lost, or the repair failed. */
  failed: number
  /** Not checked against the new version yet. */
  pending: number
  percent: number
}

interface Counts {
  total: bigint
  compliant: bigint
  drifted: bigint
  failed: bigint
}

/**
 * Progress of one rollout, computed from Postgres in one aggregate over onboarded customers: a customer
 * is compliant when `compliant_policy_version` reached the version; otherwise its latest run (if it ran
 * against this version or later) says drifted or failed; anything else is pending (not checked yet, or
 * its last read was `unknown` and it will be retried). When nothing is pending the rollout is marked
 * completed (once, audited). The cached counters on the rollout row are refreshed on the way.
 */
export async function rolloutStatus(ctx: ServiceContext, id: string): Promise<RolloutProgress> {
  const rollout = z.uuid().safeParse(id).success
    ? await ctx.db.policyRollout.findUnique({ where: { id } })
    : null
  if (!rollout) throw new NotFoundError(`No policy rollout ${id}.`, { code: 'rollout_not_found' })
  const version = rollout.version
  const [counts] = await ctx.db.$queryRaw<Counts[]>`
    SELECT
      count(*) AS total,
      count(*) FILTER (WHERE c.compliant_policy_version >= ${version}) AS compliant,
      count(*) FILTER (WHERE COALESCE(c.compliant_policy_version, 0) < ${version}
                         AND r.outcome IN ('drifted', 'removed')) AS drifted,
      count(*) FILTER (WHERE COALESCE(c.compliant_policy_version, 0) < ${version}
                         AND r.outcome IN ('access_lost', 'failed')) AS failed
    FROM customers c
    LEFT JOIN check_runs r ON r.id = c.last_check_run_id AND r.policy_version >= ${version}
    WHERE c.onboarding_state = 'onboarded'`
  const total = Number(counts?.total ?? 0)
  const compliant = Number(counts?.compliant ?? 0)
  const drifted = Number(counts?.drifted ?? 0)
  const failed = Number(counts?.failed ?? 0)
  const done = compliant + drifted
  const pending = total - done - failed

  let { status, finishedAt } = rollout
  if (status === 'running') {
    const now = ctx.now()
    const finished = pending === 0
    await ctx.db.$transaction(async (tx) => {
      const updated = await tx.policyRollout.updateMany({
        where: { id, status: 'running' },
        data: { total, done, failed, ...(finished ? { status: 'completed', finishedAt: now } : {}) },
      })
      if (finished && updated.count === 1) {
        await recordAudit(tx, SYSTEM_ACTOR, {
          action: 'policy.rollout_completed',
          entityType: 'policy_rollout',
          entityId: id,
          after: { version, total, compliant, drifted, failed },
        })
      }
    })
    if (finished) {
      status = 'completed'
      finishedAt = now
    }
  }
  return {
    id,
    version,
    status,
    startedAt: rollout.startedAt,
    finishedAt,
    startedBy: rollout.startedBy,
    total,
    done,
    compliant,
    drifted,
    failed,
    pending,
    percent: total === 0 ? 100 : Math.floor(((done + failed) / total) * 100),
  }
}
