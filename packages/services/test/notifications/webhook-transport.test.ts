// The webhook transport against real sockets: the target rule is enforced on the address connected to
// (a name that resolves to loopback gets no request), redirects are not followed, and an answer's body is
// cut after the cap and never shown.
import { createServer, type Server, type ServerResponse } from 'node:http'
import type { LookupAddress } from 'node:dns'
import { createTestDatabase, type TestDatabase } from '@crosstrust/testkit'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  RECEIVER_NETWORK,
  startReceiver,
  type WebhookReceiver,
} from '../../../../test/support/webhook-receiver.ts'
import {
  createWebhookTransport,
  deliverWebhook,
  sendTestPing,
  type ResolveHost,
  type ServiceContext,
  type WebhookTransport,
} from '../../src/index.ts'

const STAFF = { type: 'staff' as const, id: 'oid-1', name: 'Test Admin' }
let db: TestDatabase
let ctx: ServiceContext
let receiver: WebhookReceiver
const transports: WebhookTransport[] = []
const servers: Server[] = []

// A name in public DNS space that the attacker's DNS answers with loopback (DNS rebinding after
// registration): the test resolver plays that DNS server.
const REBIND_HOST = 'hooks.rebind.example.com'
const resolveTo =
  (...addresses: string[]): ResolveHost =>
  (hostname) =>
    hostname === REBIND_HOST
      ? Promise.resolve(
          addresses.map((address): LookupAddress => ({ address, family: address.includes(':') ? 6 : 4 })),
        )
      : Promise.reject(Object.assign(new Error(`no such host ${hostname}`), { code: 'ENOTFOUND' }))

function transport(allowedPrivateNetworks: string[], resolve?: ResolveHost): WebhookTransport {
  const created = createWebhookTransport({ allowedPrivateNetworks, ...(resolve ? { resolve } : {}) })
  transports.push(created)
  return created
}

beforeAll(async () => {
  db = await createTestDatabase()
  ctx = { db: db.prisma, now: () => new Date(), enqueue: () => Promise.resolve() }
})
afterAll(async () => {
  await db.drop()
})
beforeEach(async () => {
  receiver = await startReceiver()
  await db.prisma.webhookEndpoint.deleteMany()
})
afterEach(async () => {
  for (const t of transports.splice(0)) t.close()
  for (const s of servers.splice(0)) {
    s.closeAllConnections()
    await new Promise((resolve) => s.close(resolve))
  }
  await receiver.close()
})

async function listen(handler: (res: ServerResponse) => void): Promise<string> {
  const server = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      handler(res)
    })
  })
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/hook`
}

/** An endpoint stored as if it had passed registration (its name looked public then), and a ping for it. */
async function pingTo(url: string): Promise<string> {
  const endpoint = await db.prisma.webhookEndpoint.create({
    data: { name: 'target', url, secret: 'whsec_test', format: 'json' },
  })
  const { deliveryId } = await sendTestPing(ctx, endpoint.id, STAFF)
  return deliveryId
}

function deliver(t: WebhookTransport, deliveryId: string) {
  return deliverWebhook(
    {
      db: db.prisma,
      now: () => new Date(),
      settings: { partnerName: 'Truesec Detect AB', maxAttempts: 3, timeoutMs: 3_000 },
      retryLater: () => Promise.resolve(),
      transport: t,
    },
    deliveryId,
  )
}

async function row(deliveryId: string) {
  return db.prisma.webhookDelivery.findUniqueOrThrow({
    where: { id: deliveryId },
    select: { status: true, attempts: true, lastStatusCode: true, lastError: true },
  })
}

describe('connect-time target check', () => {
  it('refuses a name that resolves to loopback: the receiver gets nothing', async () => {
    const url = receiver.url.replace('127.0.0.1', REBIND_HOST)
    const id = await pingTo(url)
    expect(await deliver(transport([], resolveTo('127.0.0.1')), id)).toBe('retry_scheduled')
    expect(await row(id)).toEqual({
      status: 'pending',
      attempts: 1,
      lastStatusCode: null,
      lastError: 'address 127.0.0.1 is not allowed (loopback)',
    })
    expect(receiver.requests).toEqual([])
  })

  it('refuses a name when any of its addresses is not allowed (a public one beside it does not help)', async () => {
    const id = await pingTo(receiver.url.replace('127.0.0.1', REBIND_HOST))
    await deliver(transport([], resolveTo('93.184.215.14', '::ffff:127.0.0.1')), id)
    expect((await row(id)).lastError).toBe(
      'address ::ffff:7f00:1 is not allowed (embeds 127.0.0.1, loopback)',
    )
    expect(receiver.requests).toEqual([])
  })

  it('refuses literal addresses, in any form, where no lookup happens', async () => {
    const port = new URL(receiver.url).port
    for (const host of ['127.0.0.1', '2130706433', '0x7f.1', '127.1', '[::ffff:127.0.0.1]']) {
      const id = await pingTo(`http://${host}:${port}/hook`)
      await deliver(transport([]), id)
      expect((await row(id)).lastError, host).toMatch(/^address (127\.0\.0\.1|::ffff:7f00:1) is not allowed/)
    }
    expect(receiver.requests).toEqual([])
  })

  it('resolves localhost with the system resolver and refuses it too', async () => {
    const id = await pingTo(receiver.url.replace('127.0.0.1', 'localhost'))
    await deliver(transport([]), id)
    expect((await row(id)).lastError).toMatch(/^address (127\.0\.0\.1|::1) is not allowed \(loopback\)$/)
    expect(receiver.requests).toEqual([])
  })

  it('delivers once the deployment opens 127.0.0.1/32, by name and by address', async () => {
    const byName = await pingTo(receiver.url.replace('127.0.0.1', REBIND_HOST))
    expect(await deliver(transport([RECEIVER_NETWORK], resolveTo('127.0.0.1')), byName)).toBe('delivered')
    const byAddress = await pingTo(receiver.url)
    expect(await deliver(transport([RECEIVER_NETWORK]), byAddress)).toBe('delivered')
    expect(receiver.requests.map((r) => r.headers['x-crosstrust-delivery'])).toEqual([byName, byAddress])
    // Opening one address opens nothing else.
    const other = await pingTo(receiver.url.replace('127.0.0.1', REBIND_HOST))
    await deliver(transport([RECEIVER_NETWORK], resolveTo('127.0.0.2')), other)
    expect((await row(other)).lastError).toBe('address 127.0.0.2 is not allowed (loopback)')
    expect(receiver.requests).toHaveLength(2)
  })
})

describe('answers', () => {
  it('does not follow a redirect, and says so', async () => {
    const url = await listen((res) => {
      res.writeHead(307, { location: receiver.url }).end()
    })
    const id = await pingTo(url)
    expect(await deliver(transport([RECEIVER_NETWORK]), id)).toBe('retry_scheduled')
    expect(await row(id)).toEqual({
      status: 'pending',
      attempts: 1,
      lastStatusCode: 307,
      lastError: 'redirect not followed (HTTP 307)',
    })
    expect(receiver.requests).toEqual([])
  })

  it('stores only the status of a failed answer, never its body', async () => {
    const url = await listen((res) => {
      res.writeHead(500, { 'content-type': 'text/plain' }).end('internal: db password hunter2')
    })
    const id = await pingTo(url)
    await deliver(transport([RECEIVER_NETWORK]), id)
    expect(await row(id)).toEqual({
      status: 'pending',
      attempts: 1,
      lastStatusCode: 500,
      lastError: 'HTTP 500',
    })
  })

  it('cuts an endless body after the cap instead of reading it', async () => {
    let written = 0
    let closed = false
    const chunk = Buffer.alloc(16 * 1024, 'x')
    const endless = (status: number) => (res: ServerResponse) => {
      res.writeHead(status, { 'content-type': 'text/plain' })
      const pump = () => {
        while (!res.destroyed && written < 512 * 1024 * 1024 && res.write(chunk)) written += chunk.length
      }
      res.on('drain', pump)
      res.on('close', () => {
        closed = true
      })
      pump()
    }
    const failing = await pingTo(await listen(endless(500)))
    const started = Date.now()
    expect(await deliver(transport([RECEIVER_NETWORK]), failing)).toBe('retry_scheduled')
    expect(Date.now() - started).toBeLessThan(2_500) // well before the 3 s timeout: the stream was cut
    expect(await row(failing)).toEqual({
      status: 'pending',
      attempts: 1,
      lastStatusCode: 500,
      lastError: 'HTTP 500',
    })
    await expect.poll(() => closed).toBe(true)
    // What was written before the cut is socket buffers, not the half gigabyte the server would send.
    expect(written).toBeLessThan(16 * 1024 * 1024)

    written = 0
    const ok = await pingTo(await listen(endless(200)))
    expect(await deliver(transport([RECEIVER_NETWORK]), ok)).toBe('delivered')
  })
})
