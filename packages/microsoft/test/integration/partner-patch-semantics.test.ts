// Undocumented partner PATCH semantics, each a simulator switch: conformance of the simulator through the
// real Graph client (our gateway), and proof that upsertPartnerPolicy reaches the exact policy under every
// setting: it sends complete owned objects, and when Graph refuses a top-level null (a setting the policy
// leaves inherited) it recreates the entry without that setting.
import { describe, expect, it } from 'vitest'
import { setTimeout as sleep } from 'node:timers/promises'
import { DEFAULT_SETTINGS } from '@crosstrust/ms-sim'
import {
  BadRequestError,
  createGraphGateway,
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

const gateway = () => createGraphGateway({ graphUrl: fx.sim.graphUrl, tokens: tokenProvider(fx) })

const allUsers = (accessType: string) => ({
  accessType,
  targets: [{ target: 'AllUsers', targetType: 'user' }],
})
const allApps = (accessType: string) => ({
  accessType,
  targets: [{ target: 'AllApplications', targetType: 'application' }],
})

// The same bodies packages/core builds for the shipped default policy (buildCreateBody / buildPatchBody).
const desired = {
  b2bCollaborationInbound: { usersAndGroups: allUsers('allowed'), applications: allApps('allowed') },
  inboundTrust: {
    isMfaAccepted: true,
    isCompliantDeviceAccepted: true,
    isHybridAzureADJoinedDeviceAccepted: false,
  },
  automaticUserConsentSettings: { inboundAllowed: false },
} satisfies GraphPartnerBody

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

const drifted = {
  tenantId: PARTNER_TENANT_ID,
  b2bCollaborationInbound: { usersAndGroups: allUsers('blocked'), applications: allApps('blocked') },
  inboundTrust: {
    isMfaAccepted: false,
    isCompliantDeviceAccepted: false,
    isHybridAzureADJoinedDeviceAccepted: true,
  },
  automaticUserConsentSettings: { inboundAllowed: true, outboundAllowed: true },
}

/** The entry once Graph's read-after-write lag has passed (reads right after a write show the old one). */
async function read(tenantId: string): Promise<GraphPartner> {
  await sleep(DEFAULT_SETTINGS.readLagSeconds * 1000 + 50)
  const got = (await gateway().getPartner(tenantId, PARTNER_TENANT_ID)).value
  if (!got) throw new Error('partner missing')
  return got
}

async function rejected(p: Promise<unknown>): Promise<BadRequestError> {
  const error = await p.catch((e: unknown) => e)
  expect(error).toBeInstanceOf(BadRequestError)
  const bad = error as BadRequestError
  expect(bad.status).toBe(400)
  expect(bad.code).toBe('Request_BadRequest')
  return bad
}

describe('nested-object PATCH (switch partnerPatchNested)', () => {
  it('replace (default): a nested object replaces the stored one, members not sent become null', async () => {
    const { tenantId } = addCustomer(fx, { partners: [drifted] })
    await gateway().updatePartner(tenantId, PARTNER_TENANT_ID, { inboundTrust: { isMfaAccepted: true } })
    expect((await read(tenantId)).inboundTrust).toEqual({
      isMfaAccepted: true,
      isCompliantDeviceAccepted: null,
      isHybridAzureADJoinedDeviceAccepted: null,
    })
  })

  it('merge: a nested object is deep-merged, members not sent keep their value', async () => {
    const { tenantId } = addCustomer(fx, { partners: [drifted], settings: { partnerPatchNested: 'merge' } })
    await gateway().updatePartner(tenantId, PARTNER_TENANT_ID, { inboundTrust: { isMfaAccepted: true } })
    expect((await read(tenantId)).inboundTrust).toEqual({
      isMfaAccepted: true,
      isCompliantDeviceAccepted: false,
      isHybridAzureADJoinedDeviceAccepted: true,
    })
  })

  it.each(['replace', 'merge'] as const)('upsert reaches the exact policy under %s', async (mode) => {
    const { tenantId } = addCustomer(fx, { partners: [drifted], settings: { partnerPatchNested: mode } })
    const result = await upsertPartnerPolicy(gateway(), tenantId, PARTNER_TENANT_ID, {
      createBody: { tenantId: PARTNER_TENANT_ID, ...desired },
      patchBodyFor,
    })
    expect(result.outcome).toBe('patched')
    const after = await read(tenantId)
    expect(patchBodyFor(after)).toEqual({})
    expect(after.b2bCollaborationInbound).toEqual(desired.b2bCollaborationInbound)
    expect(after.inboundTrust).toEqual(desired.inboundTrust)
    // Not owned by the policy: replace nulls it, merge keeps it.
    expect((after.automaticUserConsentSettings as Record<string, unknown>).outboundAllowed).toBe(
      mode === 'merge' ? true : null,
    )
  })
})

describe('PATCH of a property to null (switch partnerPatchNull)', () => {
  it('reset-to-inherited (default): null resets the setting', async () => {
    const { tenantId } = addCustomer(fx, { partners: [drifted] })
    await gateway().updatePartner(tenantId, PARTNER_TENANT_ID, { b2bCollaborationInbound: null })
    expect((await read(tenantId)).b2bCollaborationInbound).toBeNull()
  })

  it('reject-400: null is refused and nothing changes', async () => {
    const { tenantId } = addCustomer(fx, {
      partners: [drifted],
      settings: { partnerPatchNull: 'reject-400' },
    })
    const bad = await rejected(
      gateway().updatePartner(tenantId, PARTNER_TENANT_ID, { b2bCollaborationInbound: null }),
    )
    expect(bad.microsoftMessage).toContain('b2bCollaborationInbound')
    expect((await read(tenantId)).b2bCollaborationInbound).toEqual(drifted.b2bCollaborationInbound)
  })

  it.each(['reset-to-inherited', 'reject-400'] as const)(
    'upsert reaches the exact shipped policy under %s (it sends no top-level null for it)',
    async (mode) => {
      const start = { tenantId: PARTNER_TENANT_ID, inboundTrust: null, b2bCollaborationInbound: null }
      const { tenantId } = addCustomer(fx, { partners: [start], settings: { partnerPatchNull: mode } })
      const result = await upsertPartnerPolicy(gateway(), tenantId, PARTNER_TENANT_ID, {
        createBody: { tenantId: PARTNER_TENANT_ID, ...desired },
        patchBodyFor,
      })
      expect(result.outcome).toBe('patched')
      expect(result.recreated).toBe(false)
      expect(Object.values(result.patch ?? {})).not.toContain(null)
      expect(patchBodyFor(await read(tenantId))).toEqual({})
    },
  )
})

// A custom policy that leaves b2bCollaborationInbound inherited while the tenant has it set: the repair must
// reset it. Graph answers the PATCH to null with 400 under reject-400; the product then sends the rest of the
// PATCH, deletes the entry and creates it again without the inherited setting, keeping what it does not own.
describe('a policy that leaves a top-level setting inherited (repair under partnerPatchNull)', () => {
  const INHERITED = ['b2bCollaborationInbound'] as const
  const owned = { inboundTrust: desired.inboundTrust }
  const outbound = { usersAndGroups: allUsers('blocked'), applications: allApps('blocked') }
  const customised = {
    tenantId: PARTNER_TENANT_ID,
    b2bCollaborationInbound: drifted.b2bCollaborationInbound,
    b2bCollaborationOutbound: outbound,
    inboundTrust: drifted.inboundTrust,
  }

  function inheritedPatchFor(observed: GraphPartner): GraphPartnerBody {
    const out: GraphPartnerBody = {}
    for (const key of INHERITED) if (observed[key] !== null && observed[key] !== undefined) out[key] = null
    if (JSON.stringify(observed.inboundTrust) !== JSON.stringify(owned.inboundTrust))
      out.inboundTrust = owned.inboundTrust
    return out
  }

  const repair = (tenantId: string) =>
    upsertPartnerPolicy(gateway(), tenantId, PARTNER_TENANT_ID, {
      createBody: { tenantId: PARTNER_TENANT_ID, ...owned },
      patchBodyFor: inheritedPatchFor,
    })

  it.each(['reset-to-inherited', 'reject-400'] as const)(
    'reaches the exact policy under %s',
    async (mode) => {
      const { tenantId } = addCustomer(fx, { partners: [customised], settings: { partnerPatchNull: mode } })
      const result = await repair(tenantId)
      expect(result.outcome).toBe('patched')
      expect(result.patch).toEqual({ b2bCollaborationInbound: null, inboundTrust: owned.inboundTrust })
      expect(result.recreated).toBe(mode === 'reject-400')
      const after = await read(tenantId)
      expect(inheritedPatchFor(after)).toEqual({})
      expect(after.b2bCollaborationInbound).toBeNull()
      expect(after.inboundTrust).toEqual(owned.inboundTrust)
      // Not owned by the policy: kept either way.
      expect(after.b2bCollaborationOutbound).toEqual(outbound)
      const calls = graphRequests(fx, tenantId).map((e) => `${e.method} ${String(e.status)}`)
      expect(calls).toEqual(
        mode === 'reject-400'
          ? ['GET 200', 'PATCH 400', 'PATCH 204', 'DELETE 204', 'POST 201', 'GET 200']
          : ['GET 200', 'PATCH 204', 'GET 200'],
      )
    },
  )

  it('reject-400 with an identity synchronization policy: a permanent, worded refusal; the rest is repaired', async () => {
    const { tenantId } = addCustomer(fx, {
      partners: [customised],
      settings: { partnerPatchNull: 'reject-400' },
      identitySynchronization: [{ tenantId: PARTNER_TENANT_ID, userSyncInbound: { isSyncAllowed: true } }],
    })
    const error = await repair(tenantId).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(BadRequestError)
    const refused = error as BadRequestError
    expect(refused.retryable).toBe(false)
    expect(refused.message).toBe(
      'Microsoft refuses to reset b2bCollaborationInbound of the partner entry to inherited, and refuses to delete the entry to recreate it (an identity synchronization policy still uses it). An administrator of the tenant sets b2bCollaborationInbound to "Default settings" in the Entra admin center.',
    )
    const after = await read(tenantId)
    expect(after.b2bCollaborationInbound).toEqual(drifted.b2bCollaborationInbound)
    expect(after.inboundTrust).toEqual(owned.inboundTrust)
  })
})

describe('validation errors', () => {
  it('an accessType outside allowed/blocked is 400 Request_BadRequest', async () => {
    const { tenantId } = addCustomer(fx)
    const bad = await rejected(
      gateway().createPartner(tenantId, {
        tenantId: PARTNER_TENANT_ID,
        b2bCollaborationInbound: { usersAndGroups: allUsers('permitted'), applications: allApps('allowed') },
      }),
    )
    expect(bad.microsoftMessage).toContain('permitted')
  })

  it('a keyword target with the wrong targetType is 400 Request_BadRequest', async () => {
    const { tenantId } = addCustomer(fx)
    const bad = await rejected(
      gateway().createPartner(tenantId, {
        tenantId: PARTNER_TENANT_ID,
        b2bCollaborationInbound: {
          usersAndGroups: allUsers('allowed'),
          applications: {
            accessType: 'allowed',
            targets: [{ target: 'AllApplications', targetType: 'user' }],
          },
        },
      }),
    )
    expect(bad.microsoftMessage).toContain('AllApplications')
  })

  const mixed = { usersAndGroups: allUsers('allowed'), applications: allApps('blocked') }

  it('mixedAccessTypes reject-400 (default): different accessType in one setting is refused', async () => {
    const { tenantId } = addCustomer(fx)
    await rejected(
      gateway().createPartner(tenantId, { tenantId: PARTNER_TENANT_ID, b2bCollaborationInbound: mixed }),
    )
    expect((await gateway().getPartner(tenantId, PARTNER_TENANT_ID)).value).toBeNull()
  })

  it('mixedAccessTypes reject-400 also catches a mix produced by a merge PATCH', async () => {
    const { tenantId } = addCustomer(fx, { partners: [drifted], settings: { partnerPatchNested: 'merge' } })
    await rejected(
      gateway().updatePartner(tenantId, PARTNER_TENANT_ID, {
        b2bCollaborationInbound: { applications: allApps('allowed') },
      }),
    )
  })

  it('mixedAccessTypes accept: the mix is stored', async () => {
    const { tenantId } = addCustomer(fx, { settings: { mixedAccessTypes: 'accept' } })
    await gateway().createPartner(tenantId, { tenantId: PARTNER_TENANT_ID, b2bCollaborationInbound: mixed })
    expect((await read(tenantId)).b2bCollaborationInbound).toEqual(mixed)
  })
})
