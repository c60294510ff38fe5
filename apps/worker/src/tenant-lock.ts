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

// The same three operations over many tenants, each one round trip (a batch of checks takes, renews and
// releases its tenants' locks together). Keys are per customer in one Redis, as above; a script touching
// many keys is fine on a single instance (a Redis Cluster would need the keys in one hash slot).
const ACQUIRE_MANY = `local out = {}
for i, key in ipairs(KEYS) do
  if redis.call('set', key, ARGV[1], 'PX', ARGV[2], 'NX') then out[i] = '' else out[i] = redis.call('get', key) or '?' end
end
return out`
const RENEW_MANY = `local lost = {}
for i, key in ipairs(KEYS) do
  if redis.call('get', key) == ARGV[1] then redis.call('pexpire', key, ARGV[2]) else table.insert(lost, i) end
end
return lost`
const RELEASE_MANY = `for _, key in ipairs(KEYS) do
  if redis.call('get', key) == ARGV[1] then redis.call('del', key) end
end
return 0`

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
  /**
   * Takes every free lock of `customerIds` in one round trip, runs `fn` with the customers it got, then
   * releases them in one round trip; the busy ones are returned with their holders, untouched.
   */
  withLocks<T>(
    customerIds: readonly string[],
    holder: string,
    fn: (acquired: string[]) => Promise<T>,
  ): Promise<{ value: T; busy: { customerId: string; holder: string | null }[] }>
  key(customerId: string): string
}

export function createTenantLock(redis: Redis, options: TenantLockOptions): TenantLock {
  const ttlMs = options.ttlMs ?? 60_000
  const key = (customerId: string) => `${options.prefix}:tenant-lock:${customerId}`

  const holderOf = (token: string) => token.split('#')[0] ?? token
  const renewEvery = Math.max(1_000, Math.floor(ttlMs / 3))

  return {
    key,
    async withLocks(customerIds, holder, fn) {
      const token = `${holder}#${randomBytes(8).toString('hex')}`
      const keys = customerIds.map(key)
      const answers = (await redis.eval(ACQUIRE_MANY, keys.length, ...keys, token, String(ttlMs))) as string[]
      const acquired: string[] = []
      const busy: { customerId: string; holder: string | null }[] = []
      customerIds.forEach((customerId, i) => {
        const answer = answers[i] ?? '?'
        if (answer === '') acquired.push(customerId)
        else busy.push({ customerId, holder: answer === '?' ? null : holderOf(answer) })
      })
      const held = acquired.map(key)
      if (held.length === 0) return { value: await fn([]), busy }
      const renew = setInterval(() => {
        redis
          .eval(RENEW_MANY, held.length, ...held, token, String(ttlMs))
          .then((lost) => {
            for (const index of lost as number[]) {
              const customerId = acquired[index - 1]
              if (customerId !== undefined) options.onLost?.(customerId, holder)
            }
          })
          .catch(() => {
            // Redis unreachable: the next tick retries; if a lock expires meanwhile, onLost fires then.
          })
      }, renewEvery)
      renew.unref()
      try {
        return { value: await fn(acquired), busy }
      } finally {
        clearInterval(renew)
        await redis.eval(RELEASE_MANY, held.length, ...held, token).catch(() => undefined)
      }
    },
    async withLock(customerId, holder, fn) {
      const lockKey = key(customerId)
      // Unique per acquisition: the holder's name (job id, for people reading Redis) plus randomness.
      const token = `${holder}#${randomBytes(8).toString('hex')}`
      const taken = await redis.set(lockKey, token, 'PX', ttlMs, 'NX')
      if (taken !== 'OK') {
        const current = await redis.get(lockKey)
        return { acquired: false, holder: current === null ? null : holderOf(current) }
      }
      const renew = setInterval(() => {
        redis
          .eval(RENEW, 1, lockKey, token, String(ttlMs))
          .then((renewed) => {
            if (renewed !== 1) options.onLost?.(customerId, holder)
          })
          .catch(() => {
            // Redis unreachable: the next tick retries; if the lock expires meanwhile, onLost fires then.
          })
      }, renewEvery)
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
