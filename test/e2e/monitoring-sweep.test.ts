// The scheduler sweep: Postgres is the truth, Redis only a copy of the work. The sweep
// enqueues every due check once, recovers lost onboard/offboard jobs, and after Redis loses everything the
// next sweep rebuilds all due work.
//
// This file FLUSHES Redis. It uses a dedicated Redis database (index 11) so other test runs on the same
// Redis server (default database, own prefixes) are not wiped: FLUSHDB on db 11 is our FLUSHALL.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Redis } from 'ioredis'
import { createRedis } from '@crosstrust/jobs'
import { SWEEP_SCHEDULER_ID } from '../../apps/worker/src/sweep.ts'
import { APP, customer, readPartner, seedOnboardedCustomer } from '../support/monitoring.ts'
import { startSystem, waitFor, type System } from '../support/system.ts'

const REDIS_URL = 'redis://127.0.0.1:6379/11'
const SWEEP_MS = 400

let sys: System
let redis: Redis

beforeAll(async () => {
  sys = await startSystem({
    env: { REDIS_URL },
    sweepIntervalMs: SWEEP_MS,
    monitoring: { readBack: { attempts: 10, delayMs: 300 }, sweepBatchSize: 25 },
  })
  redis = createRedis(REDIS_URL)
})
afterAll(async () => {
  redis.disconnect()
  await sys.stop()
})

async function scheduledRuns(ids: string[]) {
  const runs = await sys.db.prisma.checkRun.findMany({
    where: { customerId: { in: ids }, kind: 'check', trigger: 'schedule' },
    select: { customerId: true, outcome: true },
  })
  return runs
}

describe('the scheduler sweep', () => {
  it('checks every due customer once per due time, in batches, and none that is not due or backing off', async () => {
    const past = new Date(Date.now() - 60_000)
    const due = await Promise.all(
      Array.from({ length: 60 }, () => seedOnboardedCustomer(sys, { nextCheckAt: past })),
    )
    const notDue = await seedOnboardedCustomer(sys, { nextCheckAt: new Date(Date.now() + 3600_000) })
    const backingOff = await seedOnboardedCustomer(sys, { nextCheckAt: new Date(Date.now() + 3600_000) })
    // Due, but backing off after failures: one update, so no sweep sees it due without the backoff.
    await sys.db.prisma.customer.update({
      where: { id: backingOff.id },
      data: { nextCheckAt: past, backoffUntil: new Date(Date.now() + 3600_000), consecutiveFailures: 3 },
    })
    const ids = due.map((c) => c.id)
    await waitFor(
      async () => (await scheduledRuns(ids)).length >= ids.length,
      'all due customers checked',
      20_000,
    )
    // Several sweeps ran meanwhile (every 400 ms, batches of 25): still one run per customer and due time.
    await new Promise((r) => setTimeout(r, SWEEP_MS * 3))
    const runs = await scheduledRuns(ids)
    expect(runs).toHaveLength(ids.length)
    expect(new Set(runs.map((r) => r.customerId)).size).toBe(ids.length)
    expect(runs.every((r) => r.outcome === 'compliant')).toBe(true)
    for (const id of ids.slice(0, 5)) {
      expect((await customer(sys, id)).nextCheckAt?.getTime()).toBeGreaterThan(Date.now())
    }
    expect(await scheduledRuns([notDue.id, backingOff.id])).toEqual([])
  })

  it('after Redis is flushed mid-run, the next sweep rebuilds everything due from Postgres', async () => {
    const past = new Date(Date.now() - 60_000)
    const due = await Promise.all(
      Array.from({ length: 60 }, () => seedOnboardedCustomer(sys, { nextCheckAt: past })),
    )
    const ids = due.map((c) => c.id)
    // Slow Graph for these tenants so the flush lands while checks are queued and running.
    for (const c of due) {
      sys.sim.state.faults.add({
        kind: 'latency',
        latencyMs: 150,
        origin: 'graph',
        tenantId: c.tenantId ?? '',
      })
    }
    await waitFor(async () => (await scheduledRuns(ids)).length >= 5, 'the first checks', 20_000)
    expect((await scheduledRuns(ids)).length).toBeLessThan(ids.length)

    await redis.flushdb() // everything: queued and active jobs, the job scheduler, tenant locks

    await waitFor(
      async () => new Set((await scheduledRuns(ids)).map((r) => r.customerId)).size === ids.length,
      'every due customer checked after the flush',
      30_000,
    )
    // The job scheduler itself was re-registered by the workers.
    expect(await sys.queues.queue('sweep').getJobScheduler(SWEEP_SCHEDULER_ID)).toMatchObject({
      key: SWEEP_SCHEDULER_ID,
      name: 'sweep',
    })
    const states = await sys.db.prisma.customer.findMany({ where: { id: { in: ids } } })
    expect(
      states.every((c) => c.complianceState === 'compliant' && (c.nextCheckAt?.getTime() ?? 0) > Date.now()),
    ).toBe(true)
    sys.sim.state.faults.clear()
  })

  it('re-enqueues a lost onboarding and a lost offboarding', async () => {
    // A customer whose consent was recorded but whose onboard job never reached Redis.
    const tenantId = randomUUID()
    sys.sim.state.createTenant({
      id: tenantId,
      displayName: 'Lost Onboarding AB',
      domains: [`lost-${tenantId.slice(0, 8)}.example`],
      licence: 'P2',
      consents: [{ clientId: APP }],
    })
    const consentAt = new Date(Date.now() - 5_000)
    const stuck = await sys.db.prisma.customer.create({
      data: {
        name: 'Lost Onboarding AB',
        expectedTenantId: tenantId,
        consentedTenantId: tenantId,
        onboardingState: 'consent_received',
      },
    })
    await sys.db.prisma.onboardingStep.createMany({
      data: [
        {
          customerId: stuck.id,
          step: 'link_issued',
          status: 'succeeded',
          attempts: 1,
          finishedAt: consentAt,
        },
        {
          customerId: stuck.id,
          step: 'consent_received',
          status: 'succeeded',
          attempts: 1,
          finishedAt: consentAt,
        },
        { customerId: stuck.id, step: 'access_verified', status: 'pending' },
        { customerId: stuck.id, step: 'prerequisites_checked', status: 'pending' },
        { customerId: stuck.id, step: 'policy_applied', status: 'pending' },
        { customerId: stuck.id, step: 'verified', status: 'pending' },
      ],
    })
    // A customer staff started offboarding whose offboard job was lost.
    const leaving = await seedOnboardedCustomer(sys)
    await sys.db.prisma.customer.update({
      where: { id: leaving.id },
      data: { onboardingState: 'offboarding', nextCheckAt: null },
    })
    // Lost, not merely in progress: nothing has moved for longer than a live job ever waits.
    await sys.db.prisma.$executeRaw`UPDATE customers SET updated_at = now() - interval '10 minutes'
      WHERE id IN (${leaving.id}::uuid, ${stuck.id}::uuid)`

    const onboarded = await waitFor(async () => {
      const c = await customer(sys, stuck.id)
      return c.onboardingState === 'onboarded' ? c : null
    }, 'the lost onboarding to be recovered')
    expect(onboarded.complianceState).toBe('compliant')
    expect(readPartner(sys, tenantId)).not.toBeNull()
    const offboarded = await waitFor(async () => {
      const c = await customer(sys, leaving.id)
      return c.onboardingState === 'offboarded' ? c : null
    }, 'the lost offboarding to be recovered')
    expect(offboarded.complianceState).toBe('offboarded')
    expect(readPartner(sys, leaving.tenantId ?? '')).toBeNull()
    // One onboard job id however many sweeps saw the customer stuck.
    expect(await sys.db.prisma.checkRun.count({ where: { customerId: stuck.id, kind: 'onboard' } })).toBe(1)
  })
})
