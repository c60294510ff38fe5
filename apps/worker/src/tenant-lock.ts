import { randomBytes } from 'node:crypto'
import type { Redis } from 'ioredis'

// Per-tenant mutual exclusion across every worker process (no two jobs touch one tenant
// at once). One Redis key per customer: SET NX PX to take it, a Lua compare-and-PEXPIRE to renew it while
// the job runs, a Lua compare-and-DEL to release it, so a holder whose lock expired can never renew or
// release a lock someone else took since.
//
// Why not `redlock`: Redlock's extra machinery is quorum over several independent Redis masters. We have
// one Redis (BullMQ itself depends on it), where Redlock degenerates to exactly these three commands; the
// single-instance algorithm is documented by Redis (https://redis.io/docs/latest/develop/use/patterns/
// distributed-locks/) and is small enough to own and test.

const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`

export interface TenantLockOptions {
  /** Key prefix (the queue prefix), so several deployments can share one Redis. */
  prefix: string
  /** Lock lifetime; renewed every ttl/3 while the job runs, so a crashed holder frees it within ttl. */
  ttlMs?: number
  onLost?: (customerId: string, holder: string) => void
}

export type LockAttempt<T> = { acquired: true; value: T } | { acquired: false; holder: string | null }

export interface TenantLock {
  /** Runs `fn` holding the customer's lock, or returns who holds it without running `fn`. */
  withLock<T>(customerId: string, holder: string, fn: () => Promise<T>): Promise<LockAttempt<T>>
  key(customerId: string): string
}

export function createTenantLock(redis: Redis, options: TenantLockOptions): TenantLock {
  const ttlMs = options.ttlMs ?? 60_000
  const key = (customerId: string) => `${options.prefix}:tenant-lock:${customerId}`

  return {
    key,
    async withLock(customerId, holder, fn) {
      const lockKey = key(customerId)
      // Unique per acquisition: the holder's name (job id, for people reading Redis) plus randomness.
      const token = `${holder}#${randomBytes(8).toString('hex')}`
      const taken = await redis.set(lockKey, token, 'PX', ttlMs, 'NX')
      if (taken !== 'OK') {
        const current = await redis.get(lockKey)
        return { acquired: false, holder: current === null ? null : (current.split('#')[0] ?? current) }
      }
      const renew = setInterval(
        () => {
          redis
            .eval(RENEW, 1, lockKey, token, String(ttlMs))
            .then((renewed) => {
              if (renewed !== 1) options.onLost?.(customerId, holder)
            })
            .catch(() => {
              // Redis unreachable: the next tick retries; if the lock expires meanwhile, onLost fires then.
            })
        },
        Math.max(1_000, Math.floor(ttlMs / 3)),
      )
      renew.unref()
      try {
        return { acquired: true, value: await fn() }
      } finally {
        clearInterval(renew)
        await redis.eval(RELEASE, 1, lockKey, token).catch(() => undefined)
      }
    },
  }
}
