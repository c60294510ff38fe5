// deliverWebhook's bodies and boundaries: Teams and Slack incoming-webhook bodies, test pings and disabled
// endpoints, no secret or webhook URL path in logs or the database, and the backoff schedule.
import { describe, expect, it } from 'vitest'
import { SIGNATURE_HEADER, verifyWebhook } from '@crosstrust/core'
import { createWebhookEndpoint, deliverWebhook, retryDelayMs, sendTestPing } from '../../src/index.ts'
import {
  STAFF,
  TARGETS,
  db,
  ctx,
  receiver,
  logs,
  deps,
  endpoint,
  drift,
  useDeliveryFixture,
} from './deliver-webhook-support.ts'

useDeliveryFixture()

describe('deliverWebhook', () => {
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
