// Webhook targets as a server-side request forgery vector: an Admin (or whoever holds an Admin token)
// registers or re-points a webhook at something inside our network, and the worker then POSTs there. Every
// attacker URL below must be refused by the real API with a clear 4xx and change nothing: no endpoint
// stored, the held endpoint's URL untouched, no audit event, no delivery.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { staffToken } from '../support/staff-tokens.ts'
import { startSystem, type System } from '../support/system.ts'

let sys: System
let token: string
let heldId: string
const HELD_URL = 'https://hooks.example.com/soc'

beforeAll(async () => {
  // No WEBHOOK_ALLOWED_PRIVATE_NETWORKS: the default every deployment starts with.
  sys = await startSystem({ worker: false })
  token = await staffToken(sys, 'admin')
  const created = await api('POST', '/api/v1/webhooks', { name: 'SOC', url: HELD_URL })
  expect(created.status).toBe(201)
  heldId = (created.body as { endpoint: { id: string } }).endpoint.id
})
afterAll(async () => {
  await sys.stop()
})

async function api(method: string, path: string, body: unknown) {
  const res = await fetch(`${sys.baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      accept: 'application/json',
      'content-type': 'application/json',
    },
    body: JSON.stringify(body),
  })
  return { status: res.status, type: res.headers.get('content-type'), body: await res.json() }
}

async function state() {
  const db = sys.db.prisma
  return {
    endpoints: await db.webhookEndpoint.findMany({ select: { id: true, url: true }, orderBy: { id: 'asc' } }),
    audit: await db.auditEvent.count(),
    deliveries: await db.webhookDelivery.count(),
  }
}

const apiPort = () => new URL(sys.baseUrl).port
const LOOPBACK = 'address 127.0.0.1 is not allowed (loopback); only public addresses are allowed'

// The finding's URLs: cloud metadata, RFC 1918, CGNAT, the API and Redis on loopback in every numeric
// spelling, IPv6 loopback/unique-local/link-local, IPv4 hidden in IPv6, internal names.
const ATTACKS: [string | (() => string), string][] = [
  [() => `http://127.0.0.1:${apiPort()}/api/v1/customers`, LOOPBACK],
  [
    'http://localhost:6379/',
    'localhost is loopback, which is not allowed; only public addresses are allowed',
  ],
  ['http://2130706433/', LOOPBACK],
  ['https://0x7f.1/', LOOPBACK],
  ['https://127.1/', LOOPBACK],
  ['https://017700000001/', LOOPBACK],
  [
    'https://169.254.169.254/latest/meta-data/iam/security-credentials/',
    'address 169.254.169.254 is not allowed (link-local); only public addresses are allowed',
  ],
  [
    'https://10.0.0.5/hook',
    'address 10.0.0.5 is not allowed (private network); only public addresses are allowed',
  ],
  [
    'https://192.168.1.1/hook',
    'address 192.168.1.1 is not allowed (private network); only public addresses are allowed',
  ],
  [
    'https://100.64.0.1/hook',
    'address 100.64.0.1 is not allowed (carrier-grade NAT); only public addresses are allowed',
  ],
  [
    'https://0.0.0.0/hook',
    'address 0.0.0.0 is not allowed (unspecified address); only public addresses are allowed',
  ],
  [
    'https://224.0.0.1/hook',
    'address 224.0.0.1 is not allowed (multicast); only public addresses are allowed',
  ],
  [
    'https://192.0.2.1/hook',
    'address 192.0.2.1 is not allowed (reserved range); only public addresses are allowed',
  ],
  ['https://[::1]/hook', 'address ::1 is not allowed (loopback); only public addresses are allowed'],
  [
    'https://[::ffff:127.0.0.1]/hook',
    'address ::ffff:7f00:1 is not allowed (embeds 127.0.0.1, loopback); only public addresses are allowed',
  ],
  [
    'https://[64:ff9b::a9fe:a9fe]/hook',
    'address 64:ff9b::a9fe:a9fe is not allowed (embeds 169.254.169.254, link-local); only public addresses are allowed',
  ],
  [
    'https://[2002:a00:5::1]/hook',
    'address 2002:a00:5::1 is not allowed (embeds 10.0.0.5, private network); only public addresses are allowed',
  ],
  [
    'https://[fd00::1]/hook',
    'address fd00::1 is not allowed (unique-local); only public addresses are allowed',
  ],
  [
    'https://[fe80::1]/hook',
    'address fe80::1 is not allowed (link-local); only public addresses are allowed',
  ],
  [
    'https://metadata.google.internal/computeMetadata/v1/',
    'metadata.google.internal is an internal name; only public hosts are allowed',
  ],
  ['https://redis:6379/', 'redis is an internal name; only public hosts are allowed'],
  ['http://10.0.0.5/hook', 'must use https (http is allowed only for loopback addresses)'],
]

describe('webhook targets through the API', () => {
  it('refuses every internal target on create and on update, changing nothing', async () => {
    const before = await state()
    expect(before.endpoints).toEqual([{ id: heldId, url: HELD_URL }])
    for (const [target, message] of ATTACKS) {
      const url = typeof target === 'string' ? target : target()
      for (const [method, path, body] of [
        ['POST', '/api/v1/webhooks', { name: 'exfil', url }],
        ['PATCH', `/api/v1/webhooks/${heldId}`, { url }],
      ] as const) {
        const answer = await api(method, path, body)
        expect({ url, method, status: answer.status, type: answer.type }).toEqual({
          url,
          method,
          status: 400,
          type: 'application/problem+json; charset=utf-8',
        })
        expect(answer.body, `${method} ${url}`).toMatchObject({
          status: 400,
          errors: [{ path: expect.stringMatching(/^(body\.)?url$/) as unknown, message }],
        })
      }
    }
    expect(await state()).toEqual(before)
  })

  it('still accepts a public https target (positive control)', async () => {
    const answer = await api('PATCH', `/api/v1/webhooks/${heldId}`, { url: 'https://hooks.example.com/soc2' })
    expect(answer.status).toBe(200)
    expect(answer.body).toMatchObject({ id: heldId, url: 'https://hooks.example.com/soc2' })
  })
})
