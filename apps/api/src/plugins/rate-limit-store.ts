// The rate limits' counters live in Redis so that every API instance behind the load balancer spends
// the same budget: with per-instance memory, N instances would allow N times the limit.
//
// When Redis fails or does not answer within REDIS_TIMEOUT_MS the request is counted in this instance's
// memory instead, and that is logged. Why not fail closed: the limited routes are the public consent
// pages and staff sign-in, whose secrets (consent tokens, OAuth state) are unguessable, so the limits
// protect against load, not against guessing; refusing every customer admin and every staff sign-in
// while Redis is down would be an outage of its own. Why not simply skip the limit (`skipOnError`):
// the per-instance fallback still bounds a single client to the limit times the number of instances.
import type {
  FastifyRateLimitOptions,
  FastifyRateLimitStore,
  FastifyRateLimitStoreCtor,
} from '@fastify/rate-limit'
import type { Logger } from '@crosstrust/logger'
import type { Redis } from 'ioredis'

const REDIS_TIMEOUT_MS = 250
/** At most one warning per interval while Redis keeps failing (a log line per request would flood). */
const WARN_INTERVAL_MS = 30_000
/** Bounds the fallback's memory under a spread of client addresses. */
const LOCAL_MAX_KEYS = 10_000

// One round trip, atomic across instances: count, start the window on the first hit, report its rest.
// A key that somehow lost its expiry gets a fresh window instead of blocking its client forever.
const INCR_SCRIPT = `
local current = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if current == 1 or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {current, ttl}
`

type Counted = { current: number; ttl: number }
type Callback = (error: Error | null, result?: Counted) => void

/** Fixed windows in this process's memory: the fallback while Redis is unavailable. */
class LocalWindows {
  private readonly windows = new Map<string, { count: number; resetAt: number }>()

  incr(key: string, timeWindow: number): Counted {
    const now = Date.now()
    let window = this.windows.get(key)
    if (!window || window.resetAt <= now) {
      if (this.windows.size >= LOCAL_MAX_KEYS) this.evict(now)
      window = { count: 0, resetAt: now + timeWindow }
      this.windows.set(key, window)
    }
    window.count += 1
    return { current: window.count, ttl: window.resetAt - now }
  }

  private evict(now: number): void {
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key)
    // Still full: drop the oldest entries (Map iterates in insertion order).
    for (const key of this.windows.keys()) {
      if (this.windows.size < LOCAL_MAX_KEYS) break
      this.windows.delete(key)
    }
  }
}

export interface RateLimitStoreOptions {
  /** A connection that fails fast when Redis is down (no offline queue), so requests never wait on it. */
  redis: Redis
  /** Key namespace; `<prefix>:rate-limit:<METHOD><route>-<client ip>`. */
  prefix: string
  logger: Logger
}

/** A store constructor for `@fastify/rate-limit`'s `store` option. */
export function redisRateLimitStore(options: RateLimitStoreOptions): FastifyRateLimitStoreCtor {
  const { redis, logger } = options
  const health = { failing: false, lastWarnAt: 0 }

  function failed(err: unknown): void {
    const now = Date.now()
    if (!health.failing || now - health.lastWarnAt >= WARN_INTERVAL_MS) {
      logger.warn(
        { err: { message: err instanceof Error ? err.message : String(err) } },
        'rate limit store unavailable: counting in this instance only until Redis answers',
      )
      health.lastWarnAt = now
    }
    health.failing = true
  }

  function recovered(): void {
    if (!health.failing) return
    health.failing = false
    logger.info('rate limit store available again: limits are shared across instances')
  }

  async function incrInRedis(key: string, timeWindow: number): Promise<Counted> {
    let timer: NodeJS.Timeout | undefined
    try {
      const result = await Promise.race([
        redis.eval(INCR_SCRIPT, 1, key, timeWindow),
        new Promise<never>((_resolve, reject) => {
          timer = setTimeout(() => {
            reject(new Error(`no answer within ${REDIS_TIMEOUT_MS} ms`))
          }, REDIS_TIMEOUT_MS)
        }),
      ])
      if (!Array.isArray(result) || typeof result[0] !== 'number' || typeof result[1] !== 'number') {
        throw new Error('unexpected answer from the rate limit script')
      }
      return { current: result[0], ttl: result[1] }
    } finally {
      clearTimeout(timer)
    }
  }

  class RedisRateLimitStore implements FastifyRateLimitStore {
    private readonly local = new LocalWindows()

    constructor(
      _options: FastifyRateLimitOptions,
      private readonly keyPrefix = `${options.prefix}:rate-limit:`,
    ) {}

    incr(key: string, callback: Callback, timeWindow: number): void {
      incrInRedis(`${this.keyPrefix}${key}`, timeWindow).then(
        (counted) => {
          recovered()
          callback(null, counted)
        },
        (err: unknown) => {
          failed(err)
          callback(null, this.local.incr(key, timeWindow))
        },
      )
    }

    // Each route with its own limit gets its own counters, named after the route as registered.
    child(routeOptions: Parameters<FastifyRateLimitStore['child']>[0]): FastifyRateLimitStore {
      const info = (routeOptions as { routeInfo?: { method?: unknown; url?: unknown } }).routeInfo
      const method = typeof info?.method === 'string' ? info.method : ''
      const url = typeof info?.url === 'string' ? info.url : ''
      return new RedisRateLimitStore({}, `${this.keyPrefix}${method}${url}-`)
    }
  }

  return RedisRateLimitStore
}
