// deliverWebhook against a real database and a receiver: one signed notification per transition, sent
// once even by two jobs at the same moment, retried with backoff until delivered or given up.
import { describe, expect, it } from 'vitest'
import { SIGNATURE_HEADER, verifyWebhook } from '@crosstrust/core'
import { startReceiver } from '../../../../test/support/webhook-receiver.ts'
import { deliverWebhook } from '../../src/index.ts'
import {
  db,
  receiver,
  customerId,
  retries,
  deps,
  endpoint,
  drift,
  useDeliveryFixture,
} from './deliver-webhook-support.ts'

useDeliveryFixture()

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
})
