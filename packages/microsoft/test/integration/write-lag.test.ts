// The product's writes under Graph's eventual consistency: reads lag writes and PATCH/DELETE right after a
// POST answer 404. Upsert, read-back and delete still reach the exact state. Real Graph client.
import { describe, expect, it } from 'vitest'
import {
  createGraphGateway,
  deletePartnerPolicy,
  readBackUntil,
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

const policy = (mfa: boolean) =>
  ({
    inboundTrust: {
      isMfaAccepted: mfa,
      isCompliantDeviceAccepted: true,
      isHybridAzureADJoinedDeviceAccepted: false,
    },
  }) satisfies GraphPartnerBody

const matches = (mfa: boolean) => (p: GraphPartner | null) =>
  JSON.stringify(p?.['inboundTrust']) === JSON.stringify(policy(mfa).inboundTrust)

const upsertOptions = (mfa: boolean) => ({
  createBody: { tenantId: PARTNER_TENANT_ID, ...policy(mfa) },
  patchBodyFor: (observed: GraphPartner) => (matches(mfa)(observed) ? null : policy(mfa)),
  lagRetry: { attempts: 8, delayMs: 300 },
})

const gateway = () => createGraphGateway({ graphUrl: fx.sim.graphUrl, tokens: tokenProvider(fx) })
const calls = (tenantId: string) => graphRequests(fx, tenantId).map((e) => `${e.method} ${String(e.status)}`)

describe('writes under eventual consistency', () => {
  it('a second upsert right after the create (new policy, retried job) reaches the exact new state', async () => {
    const { tenantId } = addCustomer(fx, { settings: { readLagSeconds: 3, createNotFoundSeconds: 6 } })
    const g = gateway()
    expect((await upsertPartnerPolicy(g, tenantId, PARTNER_TENANT_ID, upsertOptions(true))).outcome).toBe(
      'created',
    )
    const second = await upsertPartnerPolicy(g, tenantId, PARTNER_TENANT_ID, upsertOptions(false))
    expect(second).toMatchObject({ outcome: 'patched', conflictOnCreate: true })
    const log = calls(tenantId)
    expect(log.slice(0, 4)).toEqual(['GET 404', 'POST 201', 'GET 404', 'POST 409'])
    expect(log).toContain('PATCH 404')
    expect(log.at(-1)).toBe('PATCH 204')
    const read = await readBackUntil(g, tenantId, PARTNER_TENANT_ID, matches(false), {
      attempts: 20,
      delayMs: 300,
    })
    expect(read.matched).toBe(true)
    expect(fx.sim.state.requireTenant(tenantId).partners.get(PARTNER_TENANT_ID)?.['inboundTrust']).toEqual(
      policy(false).inboundTrust,
    )
  })

  it('DELETE right after the create: 404 is retried until the entry is really deleted', async () => {
    const { tenantId } = addCustomer(fx, { settings: { readLagSeconds: 1, createNotFoundSeconds: 2 } })
    const g = gateway()
    await upsertPartnerPolicy(g, tenantId, PARTNER_TENANT_ID, upsertOptions(true))
    const removed = await deletePartnerPolicy(g, tenantId, PARTNER_TENANT_ID, {
      lagRetry: { attempts: 5, delayMs: 300 },
    })
    expect(removed.outcome).toBe('deleted')
    expect(removed.attempts).toBeGreaterThan(1)
    expect(fx.sim.state.requireTenant(tenantId).partners.has(PARTNER_TENANT_ID)).toBe(false)
    const gone = await readBackUntil(g, tenantId, PARTNER_TENANT_ID, (p) => p === null, {
      attempts: 10,
      delayMs: 300,
    })
    expect(gone.matched).toBe(true)
  })

  it('DELETE of an entry that is really absent: absent after the retries', async () => {
    const { tenantId } = addCustomer(fx)
    const removed = await deletePartnerPolicy(gateway(), tenantId, PARTNER_TENANT_ID, {
      lagRetry: { attempts: 3, delayMs: 50 },
    })
    expect(removed).toMatchObject({ outcome: 'absent', attempts: 3 })
    expect(calls(tenantId)).toEqual(['DELETE 404', 'DELETE 404', 'DELETE 404'])
  })
})
