// Notifications and policy rollout through the whole system: real API, worker, BullMQ, Postgres, the
// Microsoft simulator, and real HTTP webhook receivers on 127.0.0.1.
import { Writable } from 'node:stream'
import { SIGNATURE_HEADER, defaultPolicy, verifyWebhook } from '@crosstrust/core'
import { resolveTenant } from '@crosstrust/microsoft'
import {
  createCustomer,
  createWebhookEndpoint,
  issueConsentLink,
  publishPolicyVersion,
  rolloutStatus,
  type ServiceContext,
} from '@crosstrust/services'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { consentAs } from '../support/consent-driver.ts'
import { DEMO_IDS, startSystem, waitFor, type System } from '../support/system.ts'
import {
  RECEIVER_NETWORK,
  startReceiver,
  type ReceivedRequest,
  type WebhookReceiver,
} from '../support/webhook-receiver.ts'

const STAFF = { type: 'staff' as const, id: 'test-operator', name: 'Test Operator' }
const { contoso, fabrikam } = DEMO_IDS.customers
const PARTNER = DEMO_IDS.partnerTenantId

let sys: System
let ctx: ServiceContext
let json: WebhookReceiver
let teams: WebhookReceiver
let jsonSecret: string
const logLines: string[] = []

beforeAll(async () => {
  json = await startReceiver()
  teams = await startReceiver()
  sys = await startSystem({
    env: { LOG_LEVEL: 'debug', WEBHOOK_ALLOWED_PRIVATE_NETWORKS: RECEIVER_NETWORK },
    logDestination: new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString('utf8'))
        done()
      },
    }),
    notifications: { baseDelayMs: 200, maxDelayMs: 1_000, maxAttempts: 6, timeoutMs: 2_000 },
    sweepIntervalMs: 300,
  })
  ctx = { db: sys.db.prisma, now: () => new Date(), enqueue: (k, p) => sys.queues.enqueue(k, p) }
  const targets = { allowedPrivateNetworks: sys.config.WEBHOOK_ALLOWED_PRIVATE_NETWORKS }
  jsonSecret = (
    await createWebhookEndpoint(ctx, { name: 'SOC receiver', url: json.url, format: 'json' }, STAFF, targets)
  ).secret
  await createWebhookEndpoint(
    ctx,
    {
      name: 'Teams',
      url: `${teams.url}/webhookb2/secretpath`,
      format: 'teams',
      events: ['onboarding_completed'],
    },
    STAFF,
    targets,
  )
})
afterAll(async () => {
  await sys.stop()
  await json.close()
  await teams.close()
})

async function onboard(name: string, tenant: string) {
  const customer = await createCustomer(
    ctx,
    (t) => resolveTenant(sys.config.MS_LOGIN_URL, t),
    { name, tenant },
    STAFF,
  )
  const link = await issueConsentLink(ctx, { publicBaseUrl: sys.baseUrl, ttlDays: 14 }, customer.id, STAFF)
  await consentAs(link.url, tenant, 'accept')
  await waitFor(async () => {
    const c = await sys.db.prisma.customer.findUniqueOrThrow({ where: { id: customer.id } })
    return c.onboardingState === 'onboarded' ? c : null
  }, `${name} onboarded`)
  return customer.id
}

const ofType = (receiver: WebhookReceiver, type: string) =>
  receiver.requests.filter((r) => r.headers['x-crosstrust-event'] === type)

function verified(request: ReceivedRequest | undefined, secret: string) {
  return verifyWebhook(
    secret,
    String(request?.headers[SIGNATURE_HEADER.toLowerCase()]),
    request?.body ?? '',
    300,
    new Date(),
  )
}

describe('notifications', () => {
  it('delivers "onboarding completed" once per endpoint, signed, through an endpoint that was down', async () => {
    json.respondWith((n) => (n <= 2 ? 500 : 200)) // down for two attempts, then up
    const customerId = await onboard('Contoso', contoso)

    const delivered = await waitFor(async () => {
      const row = await sys.db.prisma.webhookDelivery.findFirst({
        where: { customerId, eventType: 'onboarding_completed', endpoint: { url: json.url } },
      })
      return row?.status === 'delivered' ? row : null
    }, 'delivery to the JSON receiver')
    expect(delivered.attempts).toBe(3)
    expect(delivered.lastStatusCode).toBe(200)
    await new Promise((resolve) => setTimeout(resolve, 1_500)) // room for a wrongful re-send to show up
    const attempts = ofType(json, 'crosstrust.onboarding_completed')
    expect(attempts.map((r) => r.status)).toEqual([500, 500, 200])
    expect(new Set(attempts.map((r) => r.headers['x-crosstrust-delivery']))).toEqual(new Set([delivered.id]))
    expect(verified(attempts[2], jsonSecret).ok).toBe(true)
    const body = JSON.parse(attempts[2]?.body ?? '{}') as Record<string, unknown>
    expect(body).toMatchObject({
      type: 'crosstrust.onboarding_completed',
      customer: { id: customerId, name: 'Contoso', tenantId: contoso },
      partnerName: 'Truesec Detect AB',
      policyVersion: 1,
      dashboardUrl: `${sys.baseUrl}/customers/${customerId}`,
    })

    await waitFor(() => Promise.resolve(teams.requests.length > 0 ? true : null), 'the Teams delivery')
    expect(teams.requests).toHaveLength(1)
    const card = JSON.parse(teams.requests[0]?.body ?? '{}') as {
      type: string
      attachments: { contentType: string }[]
    }
    expect(card.type).toBe('message')
    expect(card.attachments[0]?.contentType).toBe('application/vnd.microsoft.card.adaptive')
    expect(await sys.db.prisma.notificationEvent.count({ where: { customerId } })).toBe(1)
  })

  it('rolls a new policy version out: remediate repairs, alert notifies drift once, progress completes', async () => {
    const repaired = await sys.db.prisma.customer.findFirstOrThrow({ where: { tenantId: contoso } })
    await sys.db.prisma.customer.update({ where: { id: repaired.id }, data: { mode: 'remediate' } })
    const alerted = await onboard('Fabrikam', fabrikam) // default mode: alert

    const v2 = {
      description: 'Also trust hybrid joined devices',
      fields: defaultPolicy.fields.map((f) =>
        f.path === 'inboundTrust.isHybridAzureADJoinedDeviceAccepted' ? { ...f, desired: true } : f,
      ),
    }
    const published = await publishPolicyVersion(ctx, JSON.stringify(v2), 'Hybrid join trusted', STAFF, {
      windowSeconds: 2,
    })
    expect(published.version).toBe(2)
    expect(published.scheduled).toBe(2)

    const done = await waitFor(async () => {
      const progress = await rolloutStatus(ctx, published.rolloutId)
      return progress.status === 'completed' ? progress : null
    }, 'the rollout to complete')
    expect(done).toMatchObject({ total: 2, done: 2, compliant: 1, drifted: 1, failed: 0, pending: 0 })

    // Remediate: the customer tenant now trusts hybrid joined devices and records compliance with v2.
    const partner = sys.sim.state.readPartner(sys.sim.state.requireTenant(contoso), PARTNER) as {
      inboundTrust: Record<string, unknown>
    }
    expect(partner.inboundTrust.isHybridAzureADJoinedDeviceAccepted).toBe(true)
    expect(
      (await sys.db.prisma.customer.findUniqueOrThrow({ where: { id: repaired.id } })).compliantPolicyVersion,
    ).toBe(2)
    // Alert: untouched tenant, drift against v2 reported, still compliant with v1 only.
    const fab = sys.sim.state.readPartner(sys.sim.state.requireTenant(fabrikam), PARTNER) as {
      inboundTrust: Record<string, unknown>
    }
    expect(fab.inboundTrust.isHybridAzureADJoinedDeviceAccepted).toBe(false)
    const fabRow = await sys.db.prisma.customer.findUniqueOrThrow({ where: { id: alerted } })
    expect(fabRow).toMatchObject({ complianceState: 'drifted', compliantPolicyVersion: 1 })

    // Alert mode: one drift notification for Fabrikam. (Remediate mode tells "drift detected" and
    // "repaired" for Contoso: its state went compliant → drifted → remediated within the run.)
    const about = (type: string, customerId: string) =>
      ofType(json, type).filter(
        (r) =>
          (JSON.parse(r.body) as { customer: { id: string } }).customer.id === customerId && r.status === 200,
      )
    await waitFor(
      () => Promise.resolve(about('crosstrust.drifted', alerted).length > 0 || null),
      'drift alert',
    )
    await waitFor(
      () => Promise.resolve(about('crosstrust.remediated', repaired.id).length > 0 || null),
      'repair notice',
    )
    await new Promise((resolve) => setTimeout(resolve, 1_500)) // room for a wrongful duplicate to show up
    const drift = about('crosstrust.drifted', alerted)
    expect(drift).toHaveLength(1)
    expect(about('crosstrust.remediated', repaired.id)).toHaveLength(1)
    expect(about('crosstrust.remediated', alerted)).toHaveLength(0)
    expect(verified(drift[0], jsonSecret).ok).toBe(true)
    expect(JSON.parse(drift[0]?.body ?? '{}')).toMatchObject({
      policyVersion: 2,
      fields: [{ path: 'inboundTrust.isHybridAzureADJoinedDeviceAccepted', desired: true, observed: false }],
    })
  })

  it('keeps webhook secrets and webhook URL paths out of the logs', async () => {
    const text = logLines.join('')
    expect(text).toContain('webhook delivered')
    expect(text).toContain('webhook delivery failed; will retry')
    expect(text).not.toContain(jsonSecret)
    expect(text).not.toContain('secretpath')
    const secrets = await sys.db.prisma.webhookEndpoint.findMany({ select: { secret: true } })
    for (const { secret } of secrets) expect(text).not.toContain(secret)
  })
})
