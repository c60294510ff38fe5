// Shared setup of the webhook delivery tests: a real database, a receiver on loopback (which the target
// rule opens for these tests), delivery dependencies that record logs and retries, an endpoint per format,
// and a drift to notify about. `db`, `ctx`, `receiver` and `customerId` are ES live bindings set by
// useDeliveryFixture's hooks.
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest'
import { createTestDatabase, type TestDatabase } from '@crosstrust/testkit'
import { startReceiver, type WebhookReceiver } from '../../../../test/support/webhook-receiver.ts'
import {
  createWebhookEndpoint,
  createWebhookTransport,
  recordStateChange,
  type DeliverWebhookDeps,
  type ServiceContext,
  type WebhookTransport,
} from '../../src/index.ts'

export const STAFF = { type: 'staff' as const, id: 'oid-1', name: 'Test Operator' }
// The receiver listens on loopback, which webhooks may reach only when the deployment opens it.
export const TARGETS = { allowedPrivateNetworks: ['127.0.0.1/32'] }
export const transport: WebhookTransport = createWebhookTransport(TARGETS)
export let db: TestDatabase
export let ctx: ServiceContext
export let receiver: WebhookReceiver
export let customerId: string
export const logs: string[] = []
export const retries: { deliveryId: string; attempt: number; delayMs: number }[] = []

/**
 * Per test file: a fresh database and transport; per test: a new receiver, no endpoints or notifications,
 * one customer (`customerId`), and empty `logs` and `retries`.
 */
export function useDeliveryFixture(): void {
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
}

// Retries are due immediately in these tests: the worker turns retryLater into a delayed job; here the test
// runs the next attempt itself, so every attempt is visible and deterministic.
export function deps(overrides: Partial<DeliverWebhookDeps> = {}): DeliverWebhookDeps {
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

export async function endpoint(format: 'json' | 'teams' | 'slack', url = receiver.url) {
  return createWebhookEndpoint(ctx, { name: format, url, format }, STAFF, TARGETS)
}

export async function drift(at = new Date()) {
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
