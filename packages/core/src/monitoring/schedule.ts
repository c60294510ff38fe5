import { createHash } from 'node:crypto'

// Scheduling arithmetic for the sweep: no timers, just "next check at" stored in Postgres.

/** A deterministic number in [0, 1) from a string (sha256), so retries of one job compute the same time. */
export function unitFromHash(source: string): number {
  const digest = createHash('sha256').update(source, 'utf8').digest()
  return digest.readUInt32BE(0) / 0x1_0000_0000
}

export interface JitterOptions {
  /** Fraction of the interval the check may move either way; default 0.1 (±10 %). */
  ratio?: number
}

/**
 * now + interval ± ratio·interval. The offset comes from hash(jitterSource, now): the same job retried gives
 * the same answer, while a cohort onboarded together drifts apart run by run instead of firing in waves.
 */
export function nextCheckAt(
  now: Date,
  intervalSeconds: number,
  jitterSource: string,
  options: JitterOptions = {},
): Date {
  const ratio = options.ratio ?? 0.1
  const unit = unitFromHash(`${jitterSource}|${now.getTime()}`)
  const offsetSeconds = (unit * 2 - 1) * ratio * intervalSeconds
  return new Date(now.getTime() + Math.round((intervalSeconds + offsetSeconds) * 1000))
}

/**
 * A point spread uniformly over [now, now + windowSeconds) by hash of the source: for first checks after
 * onboarding a batch, or a policy-version rollout, so thousands of customers do not start together.
 */
export function spreadWithin(now: Date, windowSeconds: number, source: string): Date {
  return new Date(now.getTime() + Math.floor(unitFromHash(source) * windowSeconds * 1000))
}

export interface BackoffOptions {
  baseSeconds: number
  capSeconds: number
}

/** Failure backoff: base·2^(failures−1), capped. No failures means no backoff (now). */
export function backoffSeconds(consecutiveFailures: number, options: BackoffOptions): number {
  if (consecutiveFailures <= 0) return 0
  // Clamp the exponent so huge failure counts cannot overflow to Infinity before the cap applies.
  const exponent = Math.min(consecutiveFailures - 1, 52)
  return Math.min(options.capSeconds, options.baseSeconds * 2 ** exponent)
}

export function backoffUntil(now: Date, consecutiveFailures: number, options: BackoffOptions): Date {
  return new Date(now.getTime() + backoffSeconds(consecutiveFailures, options) * 1000)
}

function laterOf(backoff: Date, retryAfterMs: number | undefined, now: Date): Date {
  if (retryAfterMs === undefined || !(retryAfterMs > 0) || !Number.isFinite(retryAfterMs)) return backoff
  const end = now.getTime() + retryAfterMs
  return end > backoff.getTime() ? new Date(end) : backoff
}

export interface ScheduleAfterCheckInput {
  now: Date
  intervalSeconds: number
  customerId: string
  failed: boolean
  /** Consecutive failures before this run. */
  consecutiveFailures: number
  backoff: BackoffOptions
  /** Expiry times of the accepted deviations the run relied on. */
  acceptedExpiries: readonly Date[]
  /**
   * The wait Microsoft asked for (Retry-After) when the check failed throttled: the tenant is not asked again
   * before it ends, by any process, even when it is longer than the backoff.
   */
  retryAfterMs?: number | undefined
}

export interface ScheduleAfterCheck {
  nextCheckAt: Date
  consecutiveFailures: number
  backoffUntil: Date | null
}

/**
 * After a check: the interval with jitter; a failure backs off (and retries no later than the interval); an
 * accepted deviation expiring before then brings the check forward so it becomes drift on time.
 */
export function scheduleAfterCheck(input: ScheduleAfterCheckInput): ScheduleAfterCheck {
  const { now, failed } = input
  let next = nextCheckAt(now, input.intervalSeconds, input.customerId)
  const failures = failed ? input.consecutiveFailures + 1 : 0
  const backoff = failed ? laterOf(backoffUntil(now, failures, input.backoff), input.retryAfterMs, now) : null
  if (backoff !== null && backoff < next) next = backoff
  for (const expiry of input.acceptedExpiries) {
    if (expiry < next) next = new Date(expiry.getTime() + 1_000)
  }
  return { nextCheckAt: next, consecutiveFailures: failures, backoffUntil: backoff }
}
