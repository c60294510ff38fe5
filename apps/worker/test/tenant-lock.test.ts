// The per-tenant lock against the real Redis: exclusive, renewed while held, released only by its holder.
import { randomBytes } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import { createRedis } from '@crosstrust/jobs'
import { createTenantLock } from '../src/tenant-lock.ts'

const redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')
const prefix = `locktest${randomBytes(4).toString('hex')}`
afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`)
  if (keys.length > 0) await redis.del(...keys)
  redis.disconnect()
})

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('tenant lock', () => {
  it('lets one holder in, tells the others who holds it, and frees the tenant afterwards', async () => {
    const lock = createTenantLock(redis, { prefix, ttlMs: 5_000 })
    const inside = lock.withLock('c1', 'apply-1', async () => {
      const other = await lock.withLock('c1', 'check-1', () => Promise.resolve('ran'))
      const elsewhere = await lock.withLock('c2', 'check-2', () => Promise.resolve('ran'))
      return { other, elsewhere }
    })
    expect(await inside).toEqual({
      acquired: true,
      value: { other: { acquired: false, holder: 'apply-1' }, elsewhere: { acquired: true, value: 'ran' } },
    })
    expect(await redis.exists(lock.key('c1'))).toBe(0)
    expect(await lock.withLock('c1', 'check-3', () => Promise.resolve(1))).toEqual({
      acquired: true,
      value: 1,
    })
  })

  it('is renewed while the job runs longer than its ttl', async () => {
    const lock = createTenantLock(redis, { prefix, ttlMs: 1_200 })
    const result = await lock.withLock('c3', 'slow', async () => {
      await sleep(2_000)
      return lock.withLock('c3', 'intruder', () => Promise.resolve('raced'))
    })
    expect(result).toEqual({ acquired: true, value: { acquired: false, holder: 'slow' } })
  })

  it('a holder whose lock expired neither renews nor releases the next holder', async () => {
    const lost: string[] = []
    const lock = createTenantLock(redis, {
      prefix,
      ttlMs: 1_000,
      onLost: (_customerId, holder) => lost.push(holder),
    })
    const result = await lock.withLock('c4', 'stalled', async () => {
      // Simulate a stalled holder: its key vanishes (expired) and someone else takes the tenant.
      await redis.del(lock.key('c4'))
      await redis.set(lock.key('c4'), 'newcomer#abc', 'PX', 10_000)
      await sleep(1_200) // a renewal tick runs meanwhile
      return 'done'
    })
    expect(result).toEqual({ acquired: true, value: 'done' })
    expect(lost).toContain('stalled')
    expect(await redis.get(lock.key('c4'))).toBe('newcomer#abc')
  })
})
