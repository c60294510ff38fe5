// OpenID discovery of the Microsoft account (consumer) tenant and of tenants in other clouds, and the
// throttling variants of the fault injector (decimal Retry-After, 429 without Retry-After) as the real
// Graph client sees them.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { RunningSimulator, SimSeed } from '../src/index.ts'
import {
  appToken,
  CONTOSO,
  graph,
  graphError,
  noRetry,
  startTestSim,
  testSeedWithContoso,
} from './helpers.ts'

const MSA = '9188040d-6c67-4c5b-b112-36a304b66dad'
const GOV = '6d1e5c3b-2a4f-4e8d-9c7b-1a2b3c4d5e6f'
const DOD = '7e2f6d4c-3b5a-4f9e-8d1c-2b3c4d5e6f70'
const CHINA = '8f3a7e5d-4c6b-4a0f-9e2d-3c4d5e6f7081'
const PARTNERS = '/policies/crossTenantAccessPolicy/partners'

async function seedWithClouds(): Promise<SimSeed> {
  const seed = await testSeedWithContoso()
  seed.tenants = [
    ...(seed.tenants ?? []),
    { id: MSA, displayName: 'Microsoft Accounts', domains: [] },
    {
      id: GOV,
      displayName: 'Gov Agency',
      domains: ['agency.example'],
      cloud: { cloudInstanceName: 'microsoftonline.us', tenantRegionSubScope: 'DODCON' },
    },
    {
      id: DOD,
      displayName: 'Defense Unit',
      domains: ['defense.example'],
      cloud: { cloudInstanceName: 'microsoftonline.us', tenantRegionSubScope: 'DOD' },
    },
    {
      id: CHINA,
      displayName: 'China Co',
      domains: ['china.example'],
      cloud: { cloudInstanceName: 'partner.microsoftonline.cn' },
    },
  ]
  return seed
}

let sim: RunningSimulator
beforeAll(async () => {
  sim = await startTestSim()
})
afterAll(async () => {
  await sim.close()
})
beforeEach(async () => {
  sim.state.reset(await seedWithClouds())
})

const discovery = async (segment: string): Promise<Record<string, unknown>> => {
  const r = await fetch(`${sim.loginUrl}/${segment}/v2.0/.well-known/openid-configuration`)
  expect(r.status).toBe(200)
  return (await r.json()) as Record<string, unknown>
}

describe('OpenID discovery', () => {
  it('serves the consumer tenant by GUID and as consumers: GUID issuer, consumers endpoints, no region', async () => {
    for (const seg of [MSA, 'consumers']) {
      const d = await discovery(seg)
      expect(d.issuer).toBe(`${sim.loginUrl}/${MSA}/v2.0`)
      expect(d.token_endpoint).toBe(`${sim.loginUrl}/consumers/oauth2/v2.0/token`)
      expect(d.authorization_endpoint).toBe(`${sim.loginUrl}/consumers/oauth2/v2.0/authorize`)
      expect(d.jwks_uri).toBe(`${sim.loginUrl}/consumers/discovery/v2.0/keys`)
      expect(d.tenant_region_scope).toBeNull()
      expect(d).not.toHaveProperty('tenant_region_sub_scope')
      expect(d.cloud_instance_name).toBe('microsoftonline.com')
    }
    expect(sim.state.getTenant(MSA)?.domains).toEqual([])
  })

  it('reports other clouds in cloud_instance_name, tenant_region_scope/sub_scope and the Graph hosts', async () => {
    const pick = (d: Record<string, unknown>): unknown[] => [
      d.tenant_region_scope,
      d.tenant_region_sub_scope,
      d.cloud_instance_name,
      d.cloud_graph_host_name,
      d.msgraph_host,
    ]
    expect(pick(await discovery(GOV))).toEqual([
      'USGov',
      'DODCON',
      'microsoftonline.us',
      'graph.windows.net',
      'graph.microsoft.us',
    ])
    expect(pick(await discovery('defense.example'))).toEqual([
      'USGov',
      'DOD',
      'microsoftonline.us',
      'graph.windows.net',
      'dod-graph.microsoft.us',
    ])
    expect(pick(await discovery(CHINA))).toEqual([
      'AS',
      undefined,
      'partner.microsoftonline.cn',
      'graph.chinacloudapi.cn',
      'microsoftgraph.chinacloudapi.cn',
    ])
    const contoso = await discovery(CONTOSO)
    expect(pick(contoso)).toEqual([
      'EU',
      undefined,
      'microsoftonline.com',
      'graph.windows.net',
      new URL(sim.graphUrl).host,
    ])
    expect((await discovery(GOV)).issuer).toBe(`${sim.loginUrl}/${GOV}/v2.0`)
  })

  it('still refuses a tenant without domains unless it is the consumer tenant', async () => {
    const r = await fetch(`${sim.loginUrl}/_sim/tenants`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        id: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
        displayName: 'No domains',
        domains: [],
      }),
    })
    expect(r.status).toBe(400)
  })
})

describe('throttling variants', () => {
  it('sends a decimal Retry-After when the rule asks for it, whole seconds otherwise', async () => {
    const token = await appToken(sim, CONTOSO)
    const g = graph(sim, () => token)
    sim.state.faults.add({
      kind: 'throttle',
      origin: 'graph',
      retryAfterSeconds: 1.5,
      retryAfterFormat: 'decimal',
      times: 1,
    })
    const dec = await graphError(g.api(PARTNERS).middlewareOptions(noRetry).get())
    expect([dec.statusCode, dec.headers?.get('retry-after')]).toEqual([429, '1.5'])
    sim.state.faults.add({ kind: 'throttle', origin: 'graph', retryAfterSeconds: 1.5, times: 1 })
    const int = await graphError(g.api(PARTNERS).middlewareOptions(noRetry).get())
    expect(int.headers?.get('retry-after')).toBe('2')
    sim.state.faults.add({
      kind: 'bucket',
      origin: 'graph',
      capacity: 1,
      refillPerSecond: 0.8,
      retryAfterFormat: 'decimal',
    })
    await g.api(PARTNERS).get()
    const bucket = await graphError(g.api(PARTNERS).middlewareOptions(noRetry).get())
    // The exact wait for one token at 0.8 per second, to the millisecond: up to 1.25 s.
    const header = bucket.headers?.get('retry-after') ?? ''
    expect(header).toMatch(/^\d+(\.\d{1,3})?$/)
    expect(Number(header)).toBeGreaterThan(0)
    expect(Number(header)).toBeLessThanOrEqual(1.25)
  })

  it('answers 429 without Retry-After when the rule says null, with the throttle headers still present', async () => {
    const token = await appToken(sim, CONTOSO)
    sim.state.faults.add({ kind: 'throttle', origin: 'graph', retryAfterSeconds: null, times: 1 })
    const e = await graphError(
      graph(sim, () => token)
        .api(PARTNERS)
        .middlewareOptions(noRetry)
        .get(),
    )
    expect(e.statusCode).toBe(429)
    expect(e.code).toBe('TooManyRequests')
    expect(e.headers?.get('retry-after')).toBeNull()
    expect(e.headers?.get('x-ms-throttle-scope')).toMatch(/^Tenant_Application\/ReadWrite\//)
  })
})
