import { SIGNATURE_HEADER, verifyWebhook } from '@crosstrust/core'
import { createTestDatabase, type TestDatabase } from '@crosstrust/testkit'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startReceiver, type WebhookReceiver } from '../../../../test/support/webhook-receiver.ts'
import {
  createWebhookEndpoint,
  createWebhookTransport,
  deliverWebhook,
  recordStateChange,
  retryDelayMs,
  sendTestPing,
  type DeliverWebhookDeps,
  type ServiceContext,
  type WebhookTransport,
} from '../../src/index.ts'

const STAFF = { type: 'staff' as const, id: 'oid-1', name: 'Test Operator' }
// The receiver listens on loopback, which webhooks may reach only when the deployment opens it.
const TARGETS = { allowedPrivateNetworks: ['127.0.0.1/32'] }
const transport: WebhookTransport = createWebhookTransport(TARGETS)
let db: TestDatabase
let ctx: ServiceContext
let receiver: WebhookReceiver
let customerId: string
const logs: string[] = []
const retries: { deliveryId: string; attempt: number; delayMs: number }[] = []

beforeAll(async () => {
  db = await createTestDatabase()
  ctx = { db: db.prisma, now: () => new Date(), enqueue: () => Promise.resolve() }
})
afterAll(async () => {
  transport.close()
  await db.drop()
})
beforeEach(async () => {
  receiver = await startReceiver()
  logs.length = 0
  retries.length = 0
  await db.prisma.webhookEndpoint.deleteMany()
  await db.prisma.notificationEvent.deleteMany()
  const customer = await db.prisma.customer.create({
    data: { name: 'Contoso <&> AB', tenantId: crypto.randomUUID(), onboardingState: 'onboarded' },
  })
  customerId = customer.id
})
afterEach(async () => {
  await receiver.close()
})

// Retries are due immediately in these tests: the worker turns retryLater into a delayed job; here the test
// runs the next attempt itself, so every attempt is visible and deterministic.
function deps(overrides: Partial<DeliverWebhookDeps> = {}): DeliverWebhookDeps {
  return {
    db: db.prisma,
    now: () => new Date(),
    settings: {
      partnerName: 'Truesec Detect AB',
      dashboardBaseUrl: 'https://crosstrust.example',
      maxAttempts: 4,
      timeoutMs: 2_000,
    },
    retryLater: async (deliveryId, attempt, delayMs) => {
      retries.push({ deliveryId, attempt, delayMs })
      await db.prisma.webhookDelivery.update({
        where: { id: deliveryId },
        data: { nextAttemptAt: new Date() },
      })
    },
    log: (msg, fields) => logs.push(JSON.stringify({ msg, ...fields })),
    transport,
    ...overrides,
  }
}

async function endpoint(format: 'json' | 'teams' | 'slack', url = receiver.url) {
  return createWebhookEndpoint(ctx, { name: format, url, format }, STAFF, TARGETS)
}

async function drift(at = new Date()) {
  return db.prisma.$transaction((tx) =>
    recordStateChange(tx, {
      customerId,
      customerName: 'Contoso <&> AB',
      previous: { status: 'compliant' },
      next: { status: 'drifted' },
      at,
      policyVersion: 3,
      diff: [
        {
          path: 'inboundTrust.isMfaAccepted',
          label: 'Trust multifactor authentication from Microsoft Entra tenants',
          comparator: 'exact_boolean',
          desired: true,
          observed: false,
          ok: false,
          remediation: 'repairable',
          accepted: null,
          drift: true,
        },
      ],
    }),
  )
}

describe('deliverWebhook', () => {
  it('posts exactly one signed notification per transition and never re-sends a delivered one', async () => {
    const { secret } = await endpoint('json')
    const [deliveryId, ...rest] = await drift()
    expect(rest).toEqual([])
    expect(await deliverWebhook(deps(), deliveryId ?? '')).toBe('delivered')
    expect(await deliverWebhook(deps(), deliveryId ?? '')).toBe('already_delivered')
    expect(await drift(new Date(Date.now() + 1))).toHaveLength(1) // a later, separate change is new
    expect(receiver.requests).toHaveLength(1)

    const request = receiver.requests[0]
    const header = String(request?.headers[SIGNATURE_HEADER.toLowerCase()])
    expect(verifyWebhook(secret, header, request?.body ?? '', 300, new Date())).toMatchObject({ ok: true })
    expect(verifyWebhook('whsec_wrong', header, request?.body ?? '', 300, new Date())).toEqual({
      ok: false,
      reason: 'signature_mismatch',
    })
    // Replay protection: the same request presented ten minutes later is rejected.
    expect(verifyWebhook(secret, header, request?.body ?? '', 300, new Date(Date.now() + 600_000))).toEqual({
      ok: false,
      reason: 'outside_tolerance',
    })
    expect(request?.headers['x-crosstrust-event']).toBe('crosstrust.drifted')
    expect(request?.headers['x-crosstrust-delivery']).toBe(deliveryId)
    const body = JSON.parse(request?.body ?? '{}') as Record<string, unknown>
    expect(body).toMatchObject({
      type: 'crosstrust.drifted',
      partnerName: 'Truesec Detect AB',
      policyVersion: 3,
      customer: { id: customerId, name: 'Contoso <&> AB' },
      dashboardUrl: `https://crosstrust.example/customers/${customerId}`,
      fields: [{ path: 'inboundTrust.isMfaAccepted', desired: true, observed: false }],
    })
    const row = await db.prisma.webhookDelivery.findUniqueOrThrow({ where: { id: deliveryId ?? '' } })
    expect(row).toMatchObject({ status: 'delivered', attempts: 1, lastStatusCode: 200, lastError: null })
    expect(row.deliveredAt).not.toBeNull()
  })

  it('two jobs for one delivery at the same moment send it once', async () => {
    await endpoint('json')
    const [deliveryId] = await drift()
    const results = await Promise.all([
      deliverWebhook(deps(), deliveryId ?? ''),
      deliverWebhook(deps(), deliveryId ?? ''),
    ])
    expect(results.sort()).toEqual(['delivered', 'not_due'])
    expect(receiver.requests).toHaveLength(1)
  })

  it('retries a failing endpoint with backoff until it answers, then delivers once', async () => {
    await endpoint('json')
    receiver.respondWith((n) => (n <= 2 ? 500 : 204))
    const [deliveryId = ''] = await drift()
    expect(await deliverWebhook(deps(), deliveryId)).toBe('retry_scheduled')
    let row = await db.prisma.webhookDelivery.findUniqueOrThrow({ where: { id: deliveryId } })
    expect(row).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastStatusCode: 500,
      lastError: 'HTTP 500',
    })
    expect(await deliverWebhook(deps(), deliveryId)).toBe('retry_scheduled')
    expect(await deliverWebhook(deps(), deliveryId)).toBe('delivered')
    expect(await deliverWebhook(deps(), deliveryId)).toBe('already_delivered')
    row = await db.prisma.webhookDelivery.findUniqueOrThrow({ where: { id: deliveryId } })
    expect(row).toMatchObject({ status: 'delivered', attempts: 3, lastStatusCode: 204, lastError: null })
    expect(receiver.requests.map((r) => r.status)).toEqual([500, 500, 204])
    // Each attempt is signed afresh but carries the same body and delivery id, so receivers can de-duplicate.
    expect(new Set(receiver.requests.map((r) => r.body)).size).toBe(1)
    expect(new Set(receiver.requests.map((r) => r.headers['x-crosstrust-delivery'])).size).toBe(1)
    expect(retries.map((r) => r.attempt)).toEqual([2, 3])
  })

  it('survives connection refused, and gives up after the last attempt', async () => {
    const down = await startReceiver()
    const port = down.port
    await down.close() // nothing listens on this port now
    await endpoint('json', `http://127.0.0.1:${port}/hook`)
    const [deliveryId = ''] = await drift()
    expect(await deliverWebhook(deps(), deliveryId)).toBe('retry_scheduled')
    const row = await db.prisma.webhookDelivery.findUniqueOrThrow({ where: { id: deliveryId } })
    expect(row).toMatchObject({ attempts: 1, lastStatusCode: null, lastError: 'connection refused' })

    const up = await startReceiver(port)
    try {
      expect(await deliverWebhook(deps(), deliveryId)).toBe('delivered')
      expect(up.requests).toHaveLength(1)
    } finally {
      await up.close()
    }

    // A receiver that never recovers: failed after maxAttempts, and then left alone.
    receiver.respondWith(503)
    const { endpoint: broken } = await endpoint('json')
    await drift(new Date(Date.now() + 5))
    const { id: doomed } = await db.prisma.webhookDelivery.findFirstOrThrow({
      where: { endpointId: broken.id },
    })
    const outcomes = []
    for (let i = 0; i < 5; i += 1) outcomes.push(await deliverWebhook(deps(), doomed))
    expect(outcomes).toEqual([
      'retry_scheduled',
      'retry_scheduled',
      'retry_scheduled',
      'failed',
      'already_failed',
    ])
    expect(await db.prisma.webhookDelivery.findUniqueOrThrow({ where: { id: doomed } })).toMatchObject({
      status: 'failed',
      attempts: 4,
      lastStatusCode: 503,
      nextAttemptAt: null,
    })
  })

  it('does not send before the next attempt is due', async () => {
    await endpoint('json')
    receiver.respondWith(500)
    const [deliveryId = ''] = await drift()
    const slow = deps({ retryLater: () => Promise.resolve() })
    expect(await deliverWebhook(slow, deliveryId)).toBe('retry_scheduled')
    expect(await deliverWebhook(slow, deliveryId)).toBe('not_due')
    expect(receiver.requests).toHaveLength(1)
  })

  it('builds Teams and Slack incoming-webhook bodies', async () => {
    await endpoint('teams')
    await endpoint('slack')
    const ids = await drift()
    for (const id of ids) expect(await deliverWebhook(deps(), id)).toBe('delivered')
    const bodies = receiver.requests.map((r) => JSON.parse(r.body) as Record<string, unknown>)
    const teams = bodies.find((b) => b.type === 'message') as {
      summary: string
      attachments: {
        contentType: string
        content: { type: string; body: { type: string; text?: string }[] }
      }[]
    }
    expect(teams.attachments[0]?.contentType).toBe('application/vnd.microsoft.card.adaptive')
    expect(teams.attachments[0]?.content.type).toBe('AdaptiveCard')
    expect(teams.attachments[0]?.content.body[0]?.text).toBe('Partner policy drift detected')
    expect(teams.summary).toContain('Contoso <&> AB')
    const slack = bodies.find((b) => 'blocks' in b) as { text: string; blocks: { type: string }[] }
    expect(slack.text).toBe('Partner policy drift detected: Contoso &lt;&amp;&gt; AB (1 setting differ)')
    expect(slack.blocks[0]?.type).toBe('header')
  })

  it('sends test pings (even to a disabled endpoint) and drops events for a disabled one', async () => {
    const { endpoint: created, secret } = await endpoint('json')
    await db.prisma.webhookEndpoint.update({ where: { id: created.id }, data: { enabled: false } })
    const { deliveryId } = await sendTestPing(ctx, created.id, STAFF)
    expect(await deliverWebhook(deps(), deliveryId)).toBe('delivered')
    const ping = receiver.requests[0]
    expect(JSON.parse(ping?.body ?? '{}')).toMatchObject({
      type: 'crosstrust.ping',
      partnerName: 'Truesec Detect AB',
    })
    expect(ping?.headers['x-crosstrust-event']).toBe('crosstrust.ping')
    const header = String(ping?.headers[SIGNATURE_HEADER.toLowerCase()])
    expect(verifyWebhook(secret, header, ping?.body ?? '', 300, new Date()).ok).toBe(true)

    // An event recorded while enabled, then the endpoint disabled before the job ran: not sent.
    await db.prisma.webhookEndpoint.update({ where: { id: created.id }, data: { enabled: true } })
    const [deliveryIdAfter = ''] = await drift()
    await db.prisma.webhookEndpoint.update({ where: { id: created.id }, data: { enabled: false } })
    expect(await deliverWebhook(deps(), deliveryIdAfter)).toBe('failed')
    expect(receiver.requests).toHaveLength(1)
  })

  it('never logs or stores the secret, nor the URL path of a Slack/Teams webhook', async () => {
    receiver.respondWith((n) => (n === 1 ? 500 : 200))
    const { secret } = await createWebhookEndpoint(
      ctx,
      { name: 'slack', url: `${receiver.url}/T000/B000/tokenPartOfUrl`, format: 'slack' },
      STAFF,
      TARGETS,
    )
    const [deliveryId = ''] = await drift()
    await deliverWebhook(deps(), deliveryId)
    await deliverWebhook(deps(), deliveryId)
    expect(logs.length).toBeGreaterThanOrEqual(2)
    const text = logs.join('\n')
    expect(text).not.toContain(secret)
    expect(text).not.toContain('tokenPartOfUrl')
    expect(text).toContain('http://127.0.0.1')
    const row = await db.prisma.webhookDelivery.findUniqueOrThrow({ where: { id: deliveryId } })
    expect(JSON.stringify(row)).not.toContain(secret)
  })

  it('backs off exponentially with a cap and honours Retry-After', () => {
    const settings = { partnerName: 'p', baseDelayMs: 1_000, maxDelayMs: 10_000 }
    expect([1, 2, 3, 4, 5, 6].map((a) => retryDelayMs(a, settings))).toEqual([
      1_000, 2_000, 4_000, 8_000, 10_000, 10_000,
    ])
    expect(retryDelayMs(1, settings, 5_000)).toBe(5_000)
    expect(retryDelayMs(1, settings, 60_000)).toBe(10_000)
  })
})
