import type { Db } from '@crosstrust/db'

// What the scheduler sweep asks Postgres (the truth; Redis only holds a copy of the work). All three are
// cheap: due checks walk the (onboarding_state, next_check_at) index in batches; the recovery queries look at
// the handful of customers mid-onboarding or mid-offboarding.

export interface DueCheck {
  customerId: string
  dueAt: Date
}

/**
 * Leases one batch of onboarded customers due for a check and not backing off, oldest due first, and
 * returns them: one statement marks each with `check_enqueued_at = now` and the caller enqueues them. A
 * customer is leased once per due time: the lease holds until its job ends (the check moves
 * `next_check_at` past the lease) or the lease goes stale (`check_enqueued_at < staleBefore`: the job was
 * lost or failed for good without moving the due time). So a backlog is enqueued once, not again by every
 * sweep while it lasts. Marked rows leave the predicate, so the next batch needs no cursor.
 */
export async function leaseDueChecks(
  db: Db,
  now: Date,
  limit: number,
  staleBefore: Date,
): Promise<DueCheck[]> {
  const rows = await db.$queryRaw<{ id: string; next_check_at: Date }[]>`
    WITH due AS (
      SELECT id FROM customers
      WHERE onboarding_state = 'onboarded' AND next_check_at <= ${now}::timestamptz
        AND (backoff_until IS NULL OR backoff_until <= ${now}::timestamptz)
        AND (check_enqueued_at IS NULL OR check_enqueued_at < next_check_at
             OR check_enqueued_at < ${staleBefore}::timestamptz)
      ORDER BY next_check_at, id LIMIT ${limit}
      FOR UPDATE SKIP LOCKED)
    UPDATE customers c SET check_enqueued_at = ${now}::timestamptz FROM due WHERE c.id = due.id
    RETURNING c.id::text AS id, c.next_check_at`
  return rows
    .map((row) => ({ customerId: row.id, dueAt: row.next_check_at }))
    .sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || a.customerId.localeCompare(b.customerId))
}

/**
 * Customers whose onboard job was lost (e.g. Redis was flushed, or a worker died mid-job and Redis then lost
 * the stalled job): consent received but onboarding never started, or onboarding in progress with no step
 * moving since `staleBefore` (longer than any wait inside a live job, e.g. the consent replication window).
 * `consentReceivedAt` is the consent step's finish time: the same value the consent callback used for the
 * job id, so re-enqueueing cannot create a second job while the first is still known to the queue.
 */
export async function findStuckOnboarding(
  db: Db,
  limit: number,
  staleBefore: Date,
): Promise<{ customerId: string; consentReceivedAt: Date; tenantConfirmedAt: Date | null }[]> {
  const rows = await db.onboardingStep.findMany({
    where: {
      step: 'consent_received',
      status: 'succeeded',
      finishedAt: { not: null },
      customer: {
        // A live job may sit in any of these states for up to the consent replication window (a running
        // access check leaves the customer in consent_received), so only customers unchanged for longer
        // than that are taken as lost.
        onboardingState: {
          // Not awaiting_confirmation: that customer waits for an Operator, not for a lost job.
          in: [
            'consent_received',
            'access_verified',
            'prerequisites_checked',
            'tenant_confirmed',
            'policy_applied',
          ],
        },
        updatedAt: { lt: staleBefore },
      },
    },
    select: { customerId: true, finishedAt: true, customer: { select: { tenantConfirmedAt: true } } },
    take: limit,
  })
  return rows.flatMap((row) =>
    row.finishedAt === null
      ? []
      : [
          {
            customerId: row.customerId,
            consentReceivedAt: row.finishedAt,
            tenantConfirmedAt: row.customer.tenantConfirmedAt,
          },
        ],
  )
}

/**
 * Customers staff asked to offboard whose offboard job may have been lost: still offboarding and unchanged
 * since `staleBefore`, so a live offboard job (which moves the customer within seconds) is never doubled.
 */
export async function findOffboarding(
  db: Db,
  limit: number,
  staleBefore: Date,
): Promise<{ customerId: string; since: Date }[]> {
  const rows = await db.customer.findMany({
    where: { onboardingState: 'offboarding', updatedAt: { lt: staleBefore } },
    select: { id: true, updatedAt: true },
    take: limit,
  })
  return rows.map((row) => ({ customerId: row.id, since: row.updatedAt }))
}
