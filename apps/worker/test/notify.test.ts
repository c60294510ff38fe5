// The notify job on real BullMQ, Redis and Postgres: retries scheduled as delayed jobs, and deliveries whose
// job Redis lost are rebuilt from Postgres.
import { randomBytes } from 'node:crypto'
import { SIGNATURE_HEADER, verifyWebhook } from '@crosstrust/core'
import { parseConfig } from '@crosstrust/config'
import { JobQueues, createRedis } from '@crosstrust/jobs'
import { createLogger } from '@crosstrust/logger'
import { createWebhookEndpoint, recordStateChange, type ServiceContext } from '@crosstrust/services'
import { createTestDatabase, type TestDatabase } from '@crosstrust/testkit'
import type { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  RECEIVER_NETWORK,
  startReceiver,
  type WebhookReceiver,
} from '../../../test/support/webhook-receiver.ts'
import { notifyProcessor, requeueOverdueNotifications } from '../src/processors/notify.ts'
import { startWorkers, type WorkerSet } from '../src/worker.ts'

const STAFF = { type: 'staff' as const, id: 'oid-1' }
let db: TestDatabase
let redis: Redis
let queues: JobQueues
let receiver: WebhookReceiver
let ctx: ServiceContext
let workers: WorkerSet | undefined
const prefix = `t${randomBytes(6).toString('hex')}`

function deps() {
  const config = parseConfig({
    DATABASE_URL: db.url,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    PUBLIC_BASE_URL: 'https://crosstrust.example',
    APP_CLIENT_ID: '11111111-1111-4111-8111-111111111111',
    APP_CLIENT_SECRET: 'unused',
    PARTNER_TENANT_ID: '22222222-2222-4222-8222-222222222222',
    PARTNER_NAME: 'Truesec Detect AB',
    QUEUE_PREFIX: prefix,
    WEBHOOK_ALLOWED_PRIVATE_NETWORKS: RECEIVER_NETWORK,
  })
  return {
    config,
    db: db.prisma,
    queues,
    notifications: { baseDelayMs: 150, maxDelayMs: 600, timeoutMs: 2_000 },
  }
}

function startNotifyWorker() {
  return startWorkers({
    connection: redis,
    prefix,
    registry: { notify: notifyProcessor(deps()) },
    logger: createLogger({ name: 'notify-test', level: 'silent' }),
    tuning: () => ({ concurrency: 4 }),
    shutdownGraceMs: 1_000,
  })
}

async function waitUntil<T>(read: () => Promise<T | null>, what: string): Promise<T> {
  const deadline = Date.now() + 20_000
  while (Date.now() < deadline) {
    const value = await read()
    if (value !== null) return value
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`timed out waiting for ${what}`)
}

beforeAll(async () => {
  db = await createTestDatabase()
  redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')
  queues = new JobQueues(redis, prefix)
  receiver = await startReceiver()
  ctx = { db: db.prisma, now: () => new Date(), enqueue: (kind, payload) => queues.enqueue(kind, payload) }
})
afterAll(async () => {
  await workers?.close()
  await queues.queue('notify').obliterate({ force: true })
  await queues.close()
  redis.disconnect()
  await receiver.close()
  await db.drop()
})

async function driftedCustomer(name: string) {
  const customer = await db.prisma.customer.create({ data: { name, onboardingState: 'onboarded' } })
  const ids = await db.prisma.$transaction((tx) =>
    recordStateChange(tx, {
      customerId: customer.id,
      customerName: name,
      previous: { status: 'compliant' },
      next: { status: 'drifted' },
      at: new Date(),
    }),
  )
  return ids
}

describe('notify jobs', () => {
  it('retries through BullMQ delayed jobs until the endpoint answers, delivering once', async () => {
    const { secret } = await createWebhookEndpoint(ctx, { name: 'receiver', url: receiver.url }, STAFF, {
      allowedPrivateNetworks: [RECEIVER_NETWORK],
    })
    receiver.respondWith((n) => (n <= 3 ? 502 : 200))
    workers = startNotifyWorker()
    const [deliveryId = ''] = await driftedCustomer('Contoso')
    await ctx.enqueue('notify', { deliveryId })
    await ctx.enqueue('notify', { deliveryId }) // a duplicate enqueue collapses into the same job id

    const row = await waitUntil(async () => {
      const found = await db.prisma.webhookDelivery.findUniqueOrThrow({ where: { id: deliveryId } })
      return found.status === 'delivered' ? found : null
    }, 'delivery')
    await new Promise((resolve) => setTimeout(resolve, 800))
    expect(row.attempts).toBe(4)
    expect(receiver.requests.map((r) => r.status)).toEqual([502, 502, 502, 200])
    const last = receiver.requests.at(-1)
    expect(
      verifyWebhook(
        secret,
        String(last?.headers[SIGNATURE_HEADER.toLowerCase()]),
        last?.body ?? '',
        300,
        new Date(),
      ).ok,
    ).toBe(true)
  })

  it('rebuilds deliveries whose jobs Redis lost, from Postgres, and sends each once', async () => {
    await workers?.close()
    workers = undefined
    receiver.requests.length = 0
    receiver.respondWith(200)
    const lost = await driftedCustomer('Fabrikam') // recorded, but its notify job never reached Redis
    expect(lost).toHaveLength(1)
    const recent = await driftedCustomer('Northwind')
    const overdueAt = new Date(Date.now() - 5 * 60_000)
    await db.prisma.webhookDelivery.updateMany({
      where: { id: { in: lost } },
      data: { nextAttemptAt: overdueAt },
    })

    // Only the overdue one is rescued: the fresh one may still have its job on the way.
    expect(await requeueOverdueNotifications(deps(), new Date())).toBe(1)
    expect(await requeueOverdueNotifications(deps(), new Date())).toBe(1) // same minute: same job id
    expect(await queues.queue('notify').getWaitingCount()).toBe(1)

    workers = startNotifyWorker()
    await waitUntil(async () => {
      const found = await db.prisma.webhookDelivery.findUniqueOrThrow({ where: { id: lost[0] ?? '' } })
      return found.status === 'delivered' ? found : null
    }, 'rescued delivery')
    expect(receiver.requests).toHaveLength(1)
    const pendingRecent = await db.prisma.webhookDelivery.findUniqueOrThrow({
      where: { id: recent[0] ?? '' },
    })
    expect(pendingRecent.status).toBe('pending')
    expect(await requeueOverdueNotifications(deps(), new Date())).toBe(0)
  })
})
