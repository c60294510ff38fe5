// Identity platform conformance, driven by the real @azure/msal-node: HTTPS trust and OpenID discovery
// (by id and domain, from the network).
import { describe, expect, it } from 'vitest'
import {
  APP_SECRET,
  cca,
  CONTOSO,
  decode,
  DEMO_IDS,
  FABRIKAM,
  GRAPH_SCOPE,
  PARTNER,
  sim,
  useTestSim,
} from './helpers.ts'

useTestSim()

describe('transport', () => {
  it('serves HTTPS that this forked vitest worker trusts through NODE_EXTRA_CA_CERTS', async () => {
    const { readFile } = await import('node:fs/promises')
    const ca = await readFile(sim.caCertPath, 'utf8')
    expect(await readFile(process.env.NODE_EXTRA_CA_CERTS ?? '', 'utf8')).toContain(ca.trim())
    const r = await fetch(`${sim.graphUrl}/_sim/tenants`)
    expect(r.status).toBe(200)
    const tenants = (await r.json()) as {
      id: string
      displayName: string
      domains: string[]
      licence: string
    }[]
    expect(tenants.find((t) => t.id === PARTNER)).toMatchObject({
      displayName: 'Truesec Detect AB',
      licence: 'P2',
    })
    expect(tenants.find((t) => t.id === FABRIKAM)?.licence).toBe('none')
  })
})

describe('OpenID discovery', () => {
  it('resolves a tenant by id and by verified domain; the issuer carries the tenant GUID', async () => {
    for (const seg of [CONTOSO, 'contoso-manufacturing.se', 'CONTOSOMFG.onmicrosoft.com']) {
      const r = await fetch(`${sim.loginUrl}/${seg}/v2.0/.well-known/openid-configuration`)
      expect(r.status).toBe(200)
      const doc = (await r.json()) as Record<string, string>
      expect(doc.issuer).toBe(`${sim.loginUrl}/${CONTOSO}/v2.0`)
      expect(doc.token_endpoint).toBe(`${sim.loginUrl}/${CONTOSO}/oauth2/v2.0/token`)
      expect(doc.jwks_uri).toBe(`${sim.loginUrl}/${CONTOSO}/discovery/v2.0/keys`)
    }
  })

  it('answers an unknown domain with 400 invalid_tenant AADSTS90002 in the Microsoft error shape', async () => {
    const r = await fetch(`${sim.loginUrl}/nope.example/v2.0/.well-known/openid-configuration`)
    expect(r.status).toBe(400)
    const body = (await r.json()) as Record<string, unknown>
    expect(body.error).toBe('invalid_tenant')
    expect(body.error_codes).toEqual([90002])
    expect(String(body.error_description)).toMatch(/^AADSTS90002: Tenant 'nope.example' not found/)
    for (const k of ['timestamp', 'trace_id', 'correlation_id']) expect(typeof body[k]).toBe('string')
  })

  it('lets MSAL discover endpoints from the network when no authorityMetadata is configured', async () => {
    const r = await cca(sim, { secret: APP_SECRET }, DEMO_IDS.appClientId, {
      metadata: false,
    }).acquireTokenByClientCredential({
      scopes: [GRAPH_SCOPE],
      authority: `${sim.loginUrl}/contoso-manufacturing.se`,
    })
    expect(decode(r?.accessToken ?? '').tid).toBe(CONTOSO)
    const paths = sim.state.requests.list().map((e) => e.path)
    expect(paths.some((p) => p.includes('/v2.0/.well-known/openid-configuration'))).toBe(true)
  })
})
