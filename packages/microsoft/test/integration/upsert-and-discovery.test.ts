// upsertPartnerPolicy / readBackUntil over the real gateway, and tenant discovery, against the simulator.
import { describe, expect, it } from 'vitest'
import {
  createGraphGateway,
  readBackUntil,
  resolveTenant,
  UnknownTenantError,
  upsertPartnerPolicy,
  type GraphPartner,
  type GraphPartnerBody,
} from '../../src/index.ts'
import {
  fx,
  useFixture,
  addCustomer,
  graphRequests,
  PARTNER_TENANT_ID,
  tokenProvider,
} from '../support/sim-fixture.ts'

useFixture()

const desired = {
  b2bCollaborationInbound: {
    usersAndGroups: { accessType: 'allowed', targets: [{ target: 'AllUsers', targetType: 'user' }] },
    applications: {
      accessType: 'allowed',
      targets: [{ target: 'AllApplications', targetType: 'application' }],
    },
  },
  inboundTrust: {
    isMfaAccepted: true,
    isCompliantDeviceAccepted: true,
    isHybridAzureADJoinedDeviceAccepted: false,
  },
  automaticUserConsentSettings: { inboundAllowed: false },
} satisfies GraphPartnerBody

/** Stand-in for core's diff: the owned top-level fields whose JSON differs. */
function patchBodyFor(observed: GraphPartner): GraphPartnerBody {
  const out: GraphPartnerBody = {}
  for (const [key, value] of Object.entries(desired)) {
    const seen = observed[key] as Record<string, unknown> | null | undefined
    const relevant =
      seen === null || seen === undefined
        ? null
        : Object.fromEntries(Object.keys(value).map((k) => [k, seen[k]]))
    if (JSON.stringify(relevant) !== JSON.stringify(value)) out[key] = value
  }
  return out
}

const matchesDesired = (p: GraphPartner | null): boolean =>
  p !== null && Object.keys(patchBodyFor(p)).length === 0
const options = {
  createBody: { tenantId: PARTNER_TENANT_ID, ...desired },
  patchBodyFor,
  lagRetry: { attempts: 6, delayMs: 300 },
}

/** Reads until the entry matches the policy, as the product reads back (Graph reads lag writes). */
const settled = (g: ReturnType<typeof gateway>, tenantId: string) =>
  readBackUntil(g, tenantId, PARTNER_TENANT_ID, matchesDesired, { attempts: 10, delayMs: 300 })

function gateway() {
  return createGraphGateway({ graphUrl: fx.sim.graphUrl, tokens: tokenProvider(fx) })
}

describe('upsertPartnerPolicy', () => {
  it('creates when absent', async () => {
    const { tenantId } = addCustomer(fx)
    const g = gateway()
    const result = await upsertPartnerPolicy(g, tenantId, PARTNER_TENANT_ID, options)
    expect(result).toMatchObject({ outcome: 'created', before: null, patch: null, conflictOnCreate: false })
    expect(result.requestIds).toHaveLength(2)
    expect((await settled(g, tenantId)).matched).toBe(true)
  })

  it('patches only the fields that differ and reports the before state', async () => {
    const existing = {
      tenantId: PARTNER_TENANT_ID,
      inboundTrust: {
        isMfaAccepted: false,
        isCompliantDeviceAccepted: true,
        isHybridAzureADJoinedDeviceAccepted: false,
      },
    }
    const { tenantId } = addCustomer(fx, { partners: [existing] })
    const g = gateway()
    const result = await upsertPartnerPolicy(g, tenantId, PARTNER_TENANT_ID, options)
    expect(result.outcome).toBe('patched')
    expect(result.before?.['inboundTrust']).toEqual(existing.inboundTrust)
    expect(Object.keys(result.patch ?? {}).sort()).toEqual([
      'automaticUserConsentSettings',
      'b2bCollaborationInbound',
      'inboundTrust',
    ])
    expect(graphRequests(fx, tenantId).map((e) => e.method)).toEqual(['GET', 'PATCH'])
    expect((await settled(g, tenantId)).matched).toBe(true)
  })

  it('leaves a compliant entry alone', async () => {
    const { tenantId } = addCustomer(fx, { partners: [{ tenantId: PARTNER_TENANT_ID, ...desired }] })
    const result = await upsertPartnerPolicy(gateway(), tenantId, PARTNER_TENANT_ID, options)
    expect(result.outcome).toBe('unchanged')
    expect(graphRequests(fx, tenantId).map((e) => e.method)).toEqual(['GET'])
  })

  it('POST 409 (entry exists but reads lag) ⇒ GET until visible, then PATCH', async () => {
    const { tenantId } = addCustomer(fx, { settings: { readLagSeconds: 1 } })
    const tenant = fx.sim.state.requireTenant(tenantId)
    // Someone else just created a non-compliant entry: our reads do not see it for a second.
    fx.sim.state.writePartner(tenant, PARTNER_TENANT_ID, {
      tenantId: PARTNER_TENANT_ID,
      inboundTrust: null,
      b2bCollaborationInbound: null,
    })
    const g = gateway()
    const result = await upsertPartnerPolicy(g, tenantId, PARTNER_TENANT_ID, options)
    expect(result.outcome).toBe('patched')
    expect(result.conflictOnCreate).toBe(true)
    const log = graphRequests(fx, tenantId)
    expect(log[0]).toMatchObject({ method: 'GET', status: 404 })
    expect(log[1]).toMatchObject({ method: 'POST', status: 409 })
    expect(log.at(-1)).toMatchObject({ method: 'PATCH', status: 204 })
    const verified = await readBackUntil(g, tenantId, PARTNER_TENANT_ID, matchesDesired, {
      attempts: 10,
      delayMs: 300,
    })
    expect(verified.matched).toBe(true)
  })

  it('readBackUntil waits out read-after-write lag', async () => {
    const { tenantId } = addCustomer(fx, { settings: { readLagSeconds: 1 } })
    const g = gateway()
    const result = await upsertPartnerPolicy(g, tenantId, PARTNER_TENANT_ID, options)
    expect(result.outcome).toBe('created')
    const read = await readBackUntil(g, tenantId, PARTNER_TENANT_ID, matchesDesired, {
      attempts: 10,
      delayMs: 250,
    })
    expect(read.matched).toBe(true)
    expect(read.attempts).toBeGreaterThan(1)
    const impatient = addCustomer(fx, { settings: { readLagSeconds: 5 } }).tenantId
    await upsertPartnerPolicy(g, impatient, PARTNER_TENANT_ID, options)
    const gaveUp = await readBackUntil(g, impatient, PARTNER_TENANT_ID, matchesDesired, {
      attempts: 2,
      delayMs: 100,
    })
    expect(gaveUp).toMatchObject({ matched: false, value: null, attempts: 2 })
  })
})

describe('resolveTenant', () => {
  it('resolves a verified domain and a tenant id through OpenID discovery', async () => {
    const { tenantId, domain } = addCustomer(fx)
    expect(await resolveTenant(fx.sim.loginUrl, domain)).toEqual({
      tenantId,
      issuer: `${fx.sim.loginUrl}/${tenantId}/v2.0`,
      cloudInstanceName: 'microsoftonline.com',
      tenantRegionScope: 'EU',
      tenantRegionSubScope: null,
      endpointCloudInstanceName: 'microsoftonline.com',
    })
    expect((await resolveTenant(fx.sim.loginUrl, domain.toUpperCase())).tenantId).toBe(tenantId)
    expect((await resolveTenant(fx.sim.loginUrl, tenantId)).tenantId).toBe(tenantId)
  })

  it('an unknown domain is UnknownTenantError (AADSTS90002)', async () => {
    const error = await resolveTenant(fx.sim.loginUrl, 'nobody-has-this.example.org').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UnknownTenantError)
    expect((error as UnknownTenantError).aadstsCodes).toContain(90002)
    expect((error as UnknownTenantError).status).toBe(400)
  })

  it('refuses aliases and junk without a request', async () => {
    await expect(resolveTenant(fx.sim.loginUrl, 'organizations')).rejects.toBeInstanceOf(UnknownTenantError)
    await expect(resolveTenant(fx.sim.loginUrl, 'a/../b')).rejects.toBeInstanceOf(UnknownTenantError)
  })
})
