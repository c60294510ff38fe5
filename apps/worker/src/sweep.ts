import type { Db } from '@crosstrust/db'
import { jobIdFor, type JobKind, type JobPayload, type JobQueues } from '@crosstrust/jobs'
import type { Logger } from '@crosstrust/logger'
import type { Redis } from 'ioredis'
import { findOffboarding, findStuckOnboarding, leaseDueChecks, type DueCheck } from '@crosstrust/services'

// The scheduler sweep: one BullMQ job scheduler fires a `sweep` job every
// sweepIntervalMs; the sweep asks Postgres (the truth) what is due and enqueues it with deterministic job
// ids. No per-customer timers: 100,000 customers cost a few indexed queries. Each due check is leased in
// Postgres when enqueued (leaseDueChecks), so a backlog is enqueued once, not re-added by every sweep while
// it lasts. After Redis loses everything (FLUSHALL, failover) the sweep notices its marker key is gone,
// treats every lease as stale and rebuilds every missing job from Postgres.

export interface SweepSettings {
  sweepIntervalMs: number
  /** Customers leased and enqueued per batch (one statement + one addBulk each). */
  sweepBatchSize: number
  /** Due checks per `check-batch` job. */
  checkBatchSize: number
  /** A leased check whose job neither started nor ended within this long is enqueued again (a lost job). */
  checkEnqueueLeaseMs: number
  /** Upper bound per sweep run, so one sweep cannot monopolise a worker; the rest waits for the next. */
  sweepMaxPerRun: number
  /** An onboarding whose steps have not moved for this long has lost its job (longer than any wait in a job). */
  onboardingStaleMs: number
}

export interface SweepResult {
  checks: number
  onboards: number
  offboards: number
}

export const SWEEP_SCHEDULER_ID = 'monitoring-sweep'
/** Key (in the sweep queue's namespace) whose absence tells the sweep that Redis lost its data. */
const REDIS_MARKER = 'sweep-marker'

/**
 * True when Redis lost its data since the last sweep (or this is the first): the marker key was absent and
 * is set now. One command per sweep.
 */
async function redisLostItsData(queues: JobQueues): Promise<boolean> {
  const queue = queues.queue('sweep')
  // The queues run on ioredis (createRedis), so the backend's raw client is an ioredis client.
  const client = (await queue.backend.client) as unknown as Redis
  return (await client.set(queue.toKey(REDIS_MARKER), '1', 'NX')) === 'OK'
}

/** One `check-batch` job per `size` leased checks, oldest due first. */
function checkBatchJobs(leased: readonly DueCheck[], size: number) {
  const jobs = []
  for (let start = 0; start < leased.length; start += size) {
    const data: JobPayload<'check-batch'> = {
      checks: leased.slice(start, start + size).map((due) => ({
        customerId: due.customerId,
        dueAt: due.dueAt.toISOString(),
      })),
    }
    jobs.push({
      name: 'check-batch',
      data,
      // The id dedupes while the job waits or runs. Finished jobs are removed at once: by then the
      // customers' next checks have moved on, and a batch that failed for good must not block the next
      // sweep (its leases go stale and the sweep leases those customers again). A retried batch claims only
      // what its failed attempt did not: the claim is a compare-and-set on each due time.
      opts: { jobId: jobIdFor('check-batch', data), removeOnComplete: true, removeOnFail: true },
    })
  }
  return jobs
}

/** Enqueue unless a job with this id exists; a job that failed for good is retried instead. */
async function ensureJob<K extends JobKind>(
  queues: JobQueues,
  kind: K,
  payload: JobPayload<K>,
): Promise<void> {
  const existing = await queues.queue(kind).getJob(jobIdFor(kind, payload))
  if (existing) {
    if (await existing.isFailed()) await existing.retry('failed')
    return
  }
  await queues.enqueue(kind, payload)
}

export async function runSweep(
  db: Db,
  queues: JobQueues,
  settings: SweepSettings,
  now: Date,
): Promise<SweepResult> {
  // After a Redis loss every lease is stale: the jobs they stood for are gone.
  const staleBefore = (await redisLostItsData(queues))
    ? now
    : new Date(now.getTime() - settings.checkEnqueueLeaseMs)
  let checks = 0
  while (checks < settings.sweepMaxPerRun) {
    const limit = Math.min(settings.sweepBatchSize, settings.sweepMaxPerRun - checks)
    const batch = await leaseDueChecks(db, now, limit, staleBefore)
    if (batch.length === 0) break
    await queues.queue('check-batch').addBulk(checkBatchJobs(batch, settings.checkBatchSize))
    checks += batch.length
    if (batch.length < limit) break
  }

  // Lost work of the few customers between states: consent received but no onboarding job, offboarding
  // requested but no offboard job. Same deterministic ids as the original enqueue.
  const stuck = await findStuckOnboarding(
    db,
    settings.sweepBatchSize,
    new Date(now.getTime() - settings.onboardingStaleMs),
  )
  for (const customer of stuck) {
    await ensureJob(queues, 'onboard', {
      customerId: customer.customerId,
      consentReceivedAt: customer.consentReceivedAt.toISOString(),
      ...(customer.tenantConfirmedAt === null
        ? {}
        : { tenantConfirmedAt: customer.tenantConfirmedAt.toISOString() }),
    })
  }
  const offboarding = await findOffboarding(db, settings.sweepBatchSize, new Date(now.getTime() - 120_000))
  for (const customer of offboarding) {
    await ensureJob(queues, 'offboard', {
      customerId: customer.customerId,
      requestedAt: customer.since.toISOString(),
      actor: 'system',
    })
  }
  return { checks, onboards: stuck.length, offboards: offboarding.length }
}

export interface SweepScheduler {
  stop(): void
}

/**
 * Registers the sweep's job scheduler (idempotent: every worker process does it) and re-registers it if
 * Redis lost it: a process-level timer checks once per interval. That timer is the only one, whatever the
 * number of customers.
 */
export async function startSweepScheduler(
  queues: JobQueues,
  intervalMs: number,
  logger: Logger,
): Promise<SweepScheduler> {
  const queue = queues.queue('sweep')
  const ensure = async () => {
    const existing = await queue.getJobScheduler(SWEEP_SCHEDULER_ID)
    if (existing?.every === intervalMs) return
    await queue.upsertJobScheduler(
      SWEEP_SCHEDULER_ID,
      { every: intervalMs },
      { name: 'sweep', data: {}, opts: { removeOnComplete: true, removeOnFail: 100 } },
    )
    logger.info({ intervalMs }, existing ? 'sweep scheduler updated' : 'sweep scheduler registered')
  }
  await ensure()
  const timer = setInterval(() => {
    ensure().catch((err: unknown) => {
      logger.warn(
        { err: { message: err instanceof Error ? err.message : String(err) } },
        'sweep scheduler check failed',
      )
    })
  }, intervalMs)
  timer.unref()
  return {
    stop: () => {
      clearInterval(timer)
    },
  }
}
