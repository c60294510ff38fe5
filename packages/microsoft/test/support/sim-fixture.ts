// One simulator per test file, seeded with our multi-tenant app (secret + certificate) and its home
// tenant. Each test adds its own customer tenants (random ids) so tests never share state.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll } from 'vitest'
import { createClientCertificate, startSimulator } from '@crosstrust/ms-sim'
import type { ClientCertificate, RunningSimulator, TenantSeed, TenantSettings } from '@crosstrust/ms-sim'
import { createTokenProvider, type ClientCredential, type TokenProviderOptions } from '../../src/index.ts'

export const PARTNER_TENANT_ID = '07d2f395-f69c-43ab-88a2-b82f1151042d'
export const CLIENT_ID = '5b0f7c3e-9a51-4c8e-8d3b-2f6a1e4c9d70'
export const CLIENT_SECRET = 'sim-secret-0123456789'
export const APP_ROLES = ['Policy.ReadWrite.CrossTenantAccess', 'Organization.Read.All']

export interface Fixture {
  sim: RunningSimulator
  certificate: ClientCertificate
  secret: ClientCredential
  cert: ClientCredential
  close(): Promise<void>
}

export async function startFixture(): Promise<Fixture> {
  const certificate = await createClientCertificate('CN=crosstrust-test')
  const sim = await startSimulator({
    seed: {
      apps: [
        {
          clientId: CLIENT_ID,
          displayName: 'Crosstrust',
          homeTenantId: PARTNER_TENANT_ID,
          secrets: [CLIENT_SECRET],
          certificates: [certificate.certPem],
          requiredGraphRoles: APP_ROLES,
        },
      ],
      tenants: [{ id: PARTNER_TENANT_ID, displayName: 'Truesec Detect AB', domains: ['truesecdetect.io'] }],
    },
  })
  return {
    sim,
    certificate,
    secret: { kind: 'secret', secret: CLIENT_SECRET },
    cert: { kind: 'certificate', certificatePem: certificate.certPem, privateKeyPem: certificate.keyPem },
    close: () => sim.close(),
  }
}

/** The running test file's fixture: an ES live binding, set by useFixture's hooks. */
export let fx: Fixture

/** One fixture per test file: started before its tests, closed after them. */
export function useFixture(): void {
  beforeAll(async () => {
    fx = await startFixture()
  })
  afterAll(async () => {
    await fx.close()
  })
}

export interface CustomerOptions {
  licence?: 'none' | 'P1' | 'P2'
  /** false = the app was never consented here; otherwise consent details (default: all app roles, long ago). */
  consent?: false | { roles?: string[]; ageSeconds?: number }
  settings?: TenantSettings
  partners?: Record<string, unknown>[]
  /** Identity synchronization policies of seeded partner entries. */
  identitySynchronization?: TenantSeed['identitySynchronization']
  conditionalAccessPolicies?: TenantSeed['conditionalAccessPolicies']
}

/** Adds a customer tenant with a unique id and domain; returns both. */
export function addCustomer(fx: Fixture, opts: CustomerOptions = {}): { tenantId: string; domain: string } {
  const tenantId = randomUUID()
  const domain = `c${tenantId.slice(0, 8)}.example.com`
  const seed: TenantSeed = {
    id: tenantId,
    displayName: `Customer ${tenantId.slice(0, 8)}`,
    domains: [domain],
    licence: opts.licence ?? 'P2',
    partners: opts.partners ?? [],
    consents: opts.consent === false ? [] : [{ clientId: CLIENT_ID, ...opts.consent }],
    ...(opts.settings === undefined ? {} : { settings: opts.settings }),
    ...(opts.identitySynchronization === undefined
      ? {}
      : { identitySynchronization: opts.identitySynchronization }),
    ...(opts.conditionalAccessPolicies === undefined
      ? {}
      : { conditionalAccessPolicies: opts.conditionalAccessPolicies }),
  }
  fx.sim.state.createTenant(seed)
  return { tenantId, domain }
}

export function tokenProvider(fx: Fixture, overrides: Partial<TokenProviderOptions> = {}) {
  return createTokenProvider({
    loginUrl: fx.sim.loginUrl,
    clientId: CLIENT_ID,
    credential: fx.secret,
    ...overrides,
  })
}

/** Token POSTs the simulator saw for one tenant. */
export function tokenPosts(fx: Fixture, tenantId: string): number {
  return fx.sim.state.requests
    .list({ tenant: tenantId, origin: 'login' })
    .filter((e) => e.method === 'POST' && e.path.includes('/oauth2/v2.0/token')).length
}

/** Graph requests the simulator saw for one tenant. */
export function graphRequests(fx: Fixture, tenantId: string) {
  return fx.sim.state.requests.list({ tenant: tenantId, origin: 'graph' })
}
