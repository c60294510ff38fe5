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
    expect(await lock.holderOf('c1')).toBeNull()
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
      // Simulate a stalled holder: its lock expired and someone else took the tenant since.
      await redis.hset(`${prefix}:tenant-locks`, 'c4', `newcomer#abc|${Date.now() + 10_000}`)
      await sleep(1_200) // a renewal tick runs meanwhile
      return 'done'
    })
    expect(result).toEqual({ acquired: true, value: 'done' })
    expect(lost).toContain('stalled')
    expect(await lock.holderOf('c4')).toBe('newcomer')
  })

  it('takes a batch in one go, leaves the busy tenants to their holders, and releases only its own', async () => {
    const lock = createTenantLock(redis, { prefix, ttlMs: 5_000 })
    const result = await lock.withLock('b2', 'apply-9', () =>
      lock.withLocks(['b1', 'b2', 'b3', 'b1'], 'check-batch-1', async (acquired) => ({
        acquired,
        holders: await Promise.all(['b1', 'b2', 'b3'].map((id) => lock.holderOf(id))),
      })),
    )
    expect(result).toEqual({
      acquired: true,
      value: {
        value: { acquired: ['b1', 'b3'], holders: ['check-batch-1', 'apply-9', 'check-batch-1'] },
        busy: [{ customerId: 'b2', holder: 'apply-9' }],
      },
    })
    expect(await Promise.all(['b1', 'b2', 'b3'].map((id) => lock.holderOf(id)))).toEqual([null, null, null])
  })

  it('a lock whose holder crashed is free once its expiry passes, by Redis time', async () => {
    const lock = createTenantLock(redis, { prefix, ttlMs: 5_000 })
    // A holder that died without releasing: its field stays, with an expiry in the past.
    await redis.hset(`${prefix}:tenant-locks`, 'c5', `crashed-job#ff|${Date.now() - 1}`)
    expect(await lock.holderOf('c5')).toBeNull()
    expect(await lock.withLock('c5', 'check-5', () => Promise.resolve('ran'))).toEqual({
      acquired: true,
      value: 'ran',
    })
  })

  it('sweeps the fields of crashed holders, a bounded step per call, and keeps the live locks', async () => {
    // Its own hash: the other tests' fields must not count here.
    const sweepPrefix = `${prefix}sweep`
    const hash = `${sweepPrefix}:tenant-locks`
    const lock = createTenantLock(redis, { prefix: sweepPrefix, ttlMs: 5_000 })
    // 600 crashed holders (a hash this size is a real hash table, scanned in steps) and 5 live locks.
    const past = Date.now() - 60_000
    const future = Date.now() + 600_000
    const expired = Array.from({ length: 600 }, (_, i): [string, string] => [
      `gone-${i}`,
      `crashed-${i}#00|${past}`,
    ])
    const live = Array.from({ length: 5 }, (_, i): [string, string] => [
      `live-${i}`,
      `running-${i}#00|${future}`,
    ])
    await redis.hset(hash, Object.fromEntries([...expired, ...live]))

    const first = await lock.sweepExpired(200)
    expect(first).toBeGreaterThan(0)
    expect(first).toBeLessThan(600) // bounded: one call does not walk the whole hash
    let total = first
    for (let call = 0; call < 20 && (await redis.hlen(hash)) > 5; call++)
      total += await lock.sweepExpired(200)
    expect(total).toBe(600)
    expect((await redis.hkeys(hash)).sort()).toEqual(live.map(([id]) => id))
    expect(await lock.holderOf('live-0')).toBe('running-0')

    // A lock taken and held while the sweep runs stays held.
    const held = await lock.withLock('live-new', 'check-9', async () => {
      await lock.sweepExpired()
      return lock.holderOf('live-new')
    })
    expect(held).toEqual({ acquired: true, value: 'check-9' })
  })
})
