import { ValidationError, NotFoundError } from '@crosstrust/core'
import { createTestDatabase, type TestDatabase } from '@crosstrust/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  getWebhookEndpoint,
  listWebhookEndpoints,
  rotateWebhookSecret,
  sendTestPing,
  setWebhookEndpointEnabled,
  updateWebhookEndpoint,
  type ServiceContext,
} from '../../src/index.ts'

const STAFF = { type: 'staff' as const, id: 'oid-1', name: 'Test Operator' }
let db: TestDatabase
let ctx: ServiceContext
const enqueued: unknown[] = []

beforeAll(async () => {
  db = await createTestDatabase()
  ctx = {
    db: db.prisma,
    now: () => new Date(),
    enqueue: (kind, payload) => {
      enqueued.push({ kind, payload })
      return Promise.resolve()
    },
  }
})
afterAll(async () => {
  await db.drop()
})

async function issues(promise: Promise<unknown>): Promise<string[]> {
  const error = await promise.then(
    () => null,
    (err: unknown) => err,
  )
  expect(error).toBeInstanceOf(ValidationError)
  return (error as ValidationError).issues.map((issue) => `${issue.path}: ${issue.message}`)
}

describe('webhook endpoints', () => {
  it('generates the secret server-side, returns it once and never again', async () => {
    const { endpoint, secret } = await createWebhookEndpoint(
      ctx,
      { name: 'SOC channel', url: 'https://hooks.example.test/soc', format: 'teams', events: ['drifted'] },
      STAFF,
    )
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/)
    expect(endpoint).not.toHaveProperty('secret')
    expect(endpoint).toMatchObject({
      format: 'teams',
      events: ['drifted'],
      enabled: true,
      createdBy: 'oid-1',
    })
    const listed = await listWebhookEndpoints(ctx)
    expect(JSON.stringify(listed)).not.toContain(secret)
    expect(JSON.stringify(await getWebhookEndpoint(ctx, endpoint.id))).not.toContain(secret)
    const second = await createWebhookEndpoint(
      ctx,
      { name: 'Other', url: 'https://hooks.example.test/b' },
      STAFF,
    )
    expect(second.secret).not.toBe(secret)
    expect(second.endpoint.format).toBe('json')

    const audit = await db.prisma.auditEvent.findMany({ where: { entityId: endpoint.id } })
    expect(audit.map((a) => a.action)).toEqual(['webhook.created'])
    expect(JSON.stringify(audit.map((a) => [a.before, a.after]))).not.toContain(secret)
    // Teams/Slack URLs are credentials: the audit trail keeps the origin only.
    expect(audit[0]?.after).toMatchObject({ url: 'https://hooks.example.test/…' })
  })

  it('requires https, except on the local machine, and validates every field', async () => {
    expect(
      await issues(createWebhookEndpoint(ctx, { name: 'x', url: 'http://hooks.example.test/a' }, STAFF)),
    ).toEqual(['url: must use https (http is allowed only for loopback addresses)'])
    expect(
      await issues(
        createWebhookEndpoint(ctx, { name: 'x', url: 'https://user:pw@hooks.example.test/' }, STAFF),
      ),
    ).toEqual(['url: must not contain credentials; the signature authenticates us'])
    expect(
      await issues(createWebhookEndpoint(ctx, { name: 'x', url: 'ftp://example.test/' }, STAFF)),
    ).toEqual(['url: must use https'])
    const bad = await issues(
      createWebhookEndpoint(
        ctx,
        // @ts-expect-error: untrusted input with an unknown format and event
        { name: ' ', url: 'not a url', format: 'discord', events: ['everything'] },
        STAFF,
      ),
    )
    expect(bad.map((line) => line.split(':')[0])).toEqual(['name', 'url', 'format', 'events.0'])
    // Loopback is a private network: refused unless the deployment opens it.
    const before = await db.prisma.webhookEndpoint.count()
    expect(
      await issues(createWebhookEndpoint(ctx, { name: 'local', url: 'http://127.0.0.1:8080/hook' }, STAFF)),
    ).toEqual(['url: address 127.0.0.1 is not allowed (loopback); only public addresses are allowed'])
    expect(await db.prisma.webhookEndpoint.count()).toBe(before)
    const loopback = { allowedPrivateNetworks: ['127.0.0.0/8', '::1/128'] }
    for (const url of ['http://127.0.0.1:8080/hook', 'http://localhost/hook', 'http://[::1]:9/x']) {
      const { endpoint } = await createWebhookEndpoint(ctx, { name: 'local', url }, STAFF, loopback)
      expect(endpoint.url).toBe(url)
    }
  })

  it('updates, disables, enables, rotates and deletes, auditing each change', async () => {
    const { endpoint, secret } = await createWebhookEndpoint(
      ctx,
      { name: 'Slack', url: 'https://hooks.slack.test/services/T/B/xyz', format: 'slack' },
      STAFF,
    )
    const renamed = await updateWebhookEndpoint(
      ctx,
      endpoint.id,
      { name: 'Slack #soc', events: ['access_lost'] },
      STAFF,
    )
    expect(renamed).toMatchObject({ name: 'Slack #soc', events: ['access_lost'], format: 'slack' })
    expect((await setWebhookEndpointEnabled(ctx, endpoint.id, false, STAFF)).enabled).toBe(false)
    expect((await setWebhookEndpointEnabled(ctx, endpoint.id, true, STAFF)).enabled).toBe(true)
    const rotated = await rotateWebhookSecret(ctx, endpoint.id, STAFF)
    expect(rotated.secret).not.toBe(secret)
    const stored = await db.prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } })
    expect(stored.secret).toBe(rotated.secret)

    const { deliveryId } = await sendTestPing(ctx, endpoint.id, STAFF)
    expect(enqueued).toContainEqual({ kind: 'notify', payload: { deliveryId } })
    const ping = await db.prisma.webhookDelivery.findUniqueOrThrow({ where: { id: deliveryId } })
    expect(ping).toMatchObject({ eventType: 'ping', eventId: null, status: 'pending' })

    await deleteWebhookEndpoint(ctx, endpoint.id, STAFF)
    await expect(getWebhookEndpoint(ctx, endpoint.id)).rejects.toMatchObject({ code: 'webhook_not_found' })
    await expect(deleteWebhookEndpoint(ctx, endpoint.id, STAFF)).rejects.toBeInstanceOf(NotFoundError)
    await expect(updateWebhookEndpoint(ctx, 'not-a-uuid', { name: 'x' }, STAFF)).rejects.toBeInstanceOf(
      NotFoundError,
    )

    const audit = await db.prisma.auditEvent.findMany({
      where: { entityId: endpoint.id },
      orderBy: { id: 'asc' },
    })
    expect(audit.map((a) => a.action)).toEqual([
      'webhook.created',
      'webhook.updated',
      'webhook.disabled',
      'webhook.enabled',
      'webhook.secret_rotated',
      'webhook.test_sent',
      'webhook.deleted',
    ])
    expect(audit.every((a) => a.actorId === 'oid-1')).toBe(true)
    const text = JSON.stringify(audit.map((a) => [a.before, a.after]))
    expect(text).not.toContain(secret)
    expect(text).not.toContain(rotated.secret)
    expect(text).not.toContain('xyz')
  })
})
