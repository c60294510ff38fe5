// Undocumented partner PATCH semantics, each a simulator switch: conformance of the simulator through the
// real Graph client (our gateway), and proof that upsertPartnerPolicy reaches the exact policy under every
// setting because it sends complete owned objects and never a top-level null for the shipped policy.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  BadRequestError,
  createGraphGateway,
  upsertPartnerPolicy,
  type GraphPartner,
  type GraphPartnerBody,
} from '../../src/index.ts'
import {
  addCustomer,
  PARTNER_TENANT_ID,
  startFixture,
  tokenProvider,
  type Fixture,
} from '../support/sim-fixture.ts'

let fx: Fixture
beforeAll(async () => {
  fx = await startFixture()
})
afterAll(async () => {
  await fx.close()
})

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

async function read(tenantId: string): Promise<GraphPartner> {
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
    'upsert reaches the exact policy under %s (it never sends a top-level null)',
    async (mode) => {
      const start = { tenantId: PARTNER_TENANT_ID, inboundTrust: null, b2bCollaborationInbound: null }
      const { tenantId } = addCustomer(fx, { partners: [start], settings: { partnerPatchNull: mode } })
      const result = await upsertPartnerPolicy(gateway(), tenantId, PARTNER_TENANT_ID, {
        createBody: { tenantId: PARTNER_TENANT_ID, ...desired },
        patchBodyFor,
      })
      expect(result.outcome).toBe('patched')
      expect(Object.values(result.patch ?? {})).not.toContain(null)
      expect(patchBodyFor(await read(tenantId))).toEqual({})
    },
  )
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
