// The public consent endpoints are rate limited per client IP (limits set on the routes). Exceeding a limit
// answers 429 with Retry-After and changes nothing. Its own system: spending the limits must not disturb
// other test files.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addTenant, callbackUrl, newCustomer, snapshot } from '../support/consent-steps.ts'
import { startSystem, type System } from '../support/system.ts'

let sys: System

beforeAll(async () => {
  sys = await startSystem({ worker: false })
})
afterAll(async () => {
  await sys.stop()
})

async function hammer(n: number, send: () => Promise<Response>): Promise<Response[]> {
  const out: Response[] = []
  for (let i = 0; i < n; i += 1) {
    const res = await send()
    out.push(res)
    if (res.status !== 429) await res.arrayBuffer()
  }
  return out
}

function expectLimited(res: Response | undefined): void {
  expect(res?.status).toBe(429)
  expect(Number(res?.headers.get('retry-after'))).toBeGreaterThan(0)
}

describe('rate limits on the public consent endpoints', () => {
  it('starting consent: the 21st POST within a minute is refused and creates no state', async () => {
    const tenant = addTenant(sys)
    const { customerId, linkUrl } = await newCustomer(sys, 'Hammered AB', tenant.id)
    const start = () => fetch(`${linkUrl}/start`, { method: 'POST', redirect: 'manual' })
    const answers = await hammer(20, start)
    expect(answers.map((r) => r.status)).toEqual(Array<number>(20).fill(303))
    const before = await snapshot(sys, customerId)
    const states = await sys.db.prisma.consentState.count()
    const refused = await start()
    expectLimited(refused)
    expect(refused.headers.get('content-type')).toMatch(/problem\+json/)
    expect(await refused.json()).toMatchObject({ status: 429 })
    expect(await sys.db.prisma.consentState.count()).toBe(states)
    expect(await snapshot(sys, customerId)).toBe(before)
  })

  it('the callback: the 31st request within a minute is refused before it is looked at', async () => {
    const answers = await hammer(30, () => fetch(callbackUrl(sys, { state: 'unknown-state' })))
    expect(answers.every((r) => r.status === 400)).toBe(true)
    const audit = await sys.db.prisma.auditEvent.count()
    expectLimited(await fetch(callbackUrl(sys, { state: 'unknown-state' })))
    expect(await sys.db.prisma.auditEvent.count()).toBe(audit)
  })

  it('the landing page: the 61st view within a minute is refused', async () => {
    const { linkUrl } = await newCustomer(sys, 'Viewed AB', addTenant(sys).id)
    const answers = await hammer(60, () => fetch(linkUrl))
    expect(answers.every((r) => r.status === 200)).toBe(true)
    expectLimited(await fetch(linkUrl))
    // Limits are per route: the status endpoint still answers.
    const status = await fetch(`${sys.baseUrl}/consent/status/00000000-0000-4000-8000-000000000000`)
    expect(status.status).toBe(404)
  })
})
