// Prometheus metrics through the whole system: the API's /metrics (request timings, fleet gauges) and the
// worker's own listener (jobs, Graph, tokens, webhook deliveries) move as a customer onboards.
import { resolveTenant } from '@crosstrust/microsoft'
import {
  createCustomer,
  createWebhookEndpoint,
  issueConsentLink,
  type ServiceContext,
} from '@crosstrust/services'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { consentAs } from '../support/consent-driver.ts'
import { DEMO_IDS, startSystem, waitFor, type System } from '../support/system.ts'
import { RECEIVER_NETWORK, startReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts'

const STAFF = { type: 'staff' as const, id: 'test-operator', name: 'Test Operator' }
const { contoso } = DEMO_IDS.customers

let sys: System
let ctx: ServiceContext
let receiver: WebhookReceiver

beforeAll(async () => {
  receiver = await startReceiver()
  sys = await startSystem({
    workerMetrics: true,
    env: { WEBHOOK_ALLOWED_PRIVATE_NETWORKS: RECEIVER_NETWORK },
  })
  ctx = { db: sys.db.prisma, now: () => new Date(), enqueue: (k, p) => sys.queues.enqueue(k, p) }
  await createWebhookEndpoint(ctx, { name: 'SOC', url: receiver.url, format: 'json' }, STAFF, {
    allowedPrivateNetworks: sys.config.WEBHOOK_ALLOWED_PRIVATE_NETWORKS,
  })
})
afterAll(async () => {
  await sys.stop()
  await receiver.close()
})

async function scrape(url: string): Promise<{ text: string; contentType: string | null }> {
  const res = await fetch(url)
  expect(res.status).toBe(200)
  return { text: await res.text(), contentType: res.headers.get('content-type') }
}

/** The value of one sample (name plus exact label subset), 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line)
    if (!match || match[1] !== name) continue
    const got = new Map<string, string>()
    for (const m of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) got.set(m[1] ?? '', m[2] ?? '')
    if (Object.entries(labels).every(([k, v]) => got.get(k) === v)) total += Number(match[3])
  }
  return total
}

describe('metrics', () => {
  it('counts jobs, Graph calls, tokens, webhook deliveries, customers and requests as a customer onboards', async () => {
    const workerUrl = sys.workerMetricsUrl ?? ''
    const apiUrl = `${sys.baseUrl}/metrics`
    const before = { api: (await scrape(apiUrl)).text, worker: (await scrape(workerUrl)).text }
    expect(sample(before.worker, 'crosstrust_jobs_total', { kind: 'onboard', outcome: 'completed' })).toBe(0)
    expect(sample(before.api, 'crosstrust_customers', { onboarding_state: 'onboarded' })).toBe(0)

    const customer = await createCustomer(
      ctx,
      (t) => resolveTenant(sys.config.MS_LOGIN_URL, t),
      { name: 'Contoso', tenant: contoso },
      STAFF,
    )
    const link = await issueConsentLink(ctx, { publicBaseUrl: sys.baseUrl, ttlDays: 14 }, customer.id, STAFF)
    await consentAs(link.url, contoso, 'accept')
    await waitFor(async () => {
      const c = await sys.db.prisma.customer.findUniqueOrThrow({ where: { id: customer.id } })
      return c.onboardingState === 'onboarded' ? c : null
    }, 'onboarding')
    await waitFor(() => Promise.resolve(receiver.requests.length > 0), 'webhook delivery')

    // Worker: job outcome and duration, Graph latency, token cache, webhook deliveries.
    const worker = await waitFor(async () => {
      const { text } = await scrape(workerUrl)
      return sample(text, 'crosstrust_webhook_deliveries_total', { outcome: 'delivered' }) >= 1 ? text : null
    }, 'the delivery to be counted')
    expect(sample(worker, 'crosstrust_jobs_total', { kind: 'onboard', outcome: 'completed' })).toBe(1)
    expect(
      sample(worker, 'crosstrust_job_duration_seconds_count', { kind: 'onboard', outcome: 'completed' }),
    ).toBe(1)
    expect(sample(worker, 'crosstrust_jobs_total', { kind: 'notify', outcome: 'completed' })).toBeGreaterThan(
      0,
    )
    expect(
      sample(worker, 'crosstrust_graph_request_duration_seconds_count', {
        operation: 'getPartner',
        outcome: 'ok',
      }),
    ).toBeGreaterThan(0)
    expect(
      sample(worker, 'crosstrust_graph_request_duration_seconds_count', { operation: 'createPartner' }),
    ).toBe(1)
    expect(sample(worker, 'crosstrust_token_network_requests_total')).toBeGreaterThanOrEqual(1)
    expect(sample(worker, 'crosstrust_token_cache_misses_total')).toBeGreaterThanOrEqual(1)
    expect(sample(worker, 'crosstrust_token_cache_hits_total')).toBeGreaterThan(0)
    expect(sample(worker, 'crosstrust_token_request_duration_seconds_count')).toBeGreaterThanOrEqual(1)
    expect(sample(worker, 'crosstrust_process_resident_memory_bytes')).toBeGreaterThan(0)

    // Graph errors by code: the simulator answers the next partner read with a 500.
    sys.sim.state.faults.add({
      kind: 'error',
      origin: 'graph',
      status: 500,
      pathContains: '/partners',
      times: 1,
    })
    await sys.queues.enqueue('check', {
      customerId: customer.id,
      trigger: 'staff',
      dueAt: new Date().toISOString(),
    })
    const afterFault = await waitFor(async () => {
      const { text } = await scrape(workerUrl)
      return sample(text, 'crosstrust_graph_errors_total', { code: '500' }) >= 1 ? text : null
    }, 'the Graph error to be counted')
    expect(
      sample(afterFault, 'crosstrust_graph_request_duration_seconds_count', { outcome: 'error' }),
    ).toBeGreaterThanOrEqual(1)

    // API: customers by state and queue depth (read on scrape), request timings by route pattern.
    const api = await scrape(apiUrl)
    expect(api.contentType).toContain('text/plain')
    expect(
      sample(api.text, 'crosstrust_customers', {
        onboarding_state: 'onboarded',
        compliance_state: 'compliant',
      }),
    ).toBe(1)
    for (const queue of ['onboard', 'check', 'check-batch', 'apply', 'offboard', 'notify', 'sweep']) {
      expect(api.text).toContain(`crosstrust_queue_jobs{queue="${queue}",state="waiting",service="api"}`)
    }
    expect(
      sample(api.text, 'crosstrust_http_request_duration_seconds_count', {
        route: '/consent/:token',
        method: 'GET',
        status: '200',
      }),
    ).toBe(1)
    expect(
      sample(api.text, 'crosstrust_http_request_duration_seconds_count', { route: '/consent/callback' }),
    ).toBe(1)
    // Route patterns only: the consent token never becomes a label value.
    const token = new URL(link.url).pathname.split('/').pop() ?? ''
    expect(token.length).toBeGreaterThan(10)
    expect(api.text).not.toContain(token)
    expect(worker).not.toContain(token)
  })

  it('keeps unmatched URLs in one label value (bounded cardinality)', async () => {
    for (const path of ['/nope-1', '/nope-2/x', '/nope-3?q=1']) await fetch(`${sys.baseUrl}${path}`)
    const { text } = await scrape(`${sys.baseUrl}/metrics`)
    expect(text).not.toContain('nope-')
    expect(
      sample(text, 'crosstrust_http_request_duration_seconds_count', { route: 'unmatched', status: '404' }),
    ).toBeGreaterThanOrEqual(3)
  })
})
