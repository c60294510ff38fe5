// Graph does not document whether a nested object in a partner PATCH replaces the stored one or is merged
// into it. The bodies we build must reach the exact policy either way: applying buildPatchBody under both
// models (the same rules the simulator's `partnerPatchNested` switch implements) leaves no repairable drift.
import { describe, expect, it } from 'vitest'
import type { PolicyDefinition } from '../src/index.ts'
import { buildPatchBody, defaultPolicy, evaluatePartner } from '../src/index.ts'
import { compliantPartner, withValue } from './fixtures.ts'

type Json = Record<string, unknown>
const now = new Date('2026-11-27T00:00:00Z')
const isJson = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

function deepMerge(stored: unknown, patch: unknown): unknown {
  if (!isJson(stored) || !isJson(patch)) return structuredClone(patch)
  const out: Json = structuredClone(stored)
  for (const [k, v] of Object.entries(patch)) out[k] = deepMerge(out[k], v)
  return out
}

function apply(stored: Json, body: Json, mode: 'replace' | 'merge'): Json {
  const next: Json = { ...stored }
  for (const [k, v] of Object.entries(body)) next[k] = mode === 'merge' ? deepMerge(stored[k], v) : v
  return next
}

const repairableDrift = (policy: PolicyDefinition, partner: Json): string[] =>
  evaluatePartner(policy, partner, [], now)
    .fields.filter((f) => f.drift && f.remediation === 'repairable')
    .map((f) => f.path)

const blocked = (target: string, targetType: string) => ({
  accessType: 'blocked',
  targets: [{ target, targetType }],
})

const driftCases: [string, Json][] = [
  ['one inboundTrust member', withValue('inboundTrust.isMfaAccepted', false)],
  [
    'every inboundTrust member',
    withValue('inboundTrust', {
      isMfaAccepted: false,
      isCompliantDeviceAccepted: false,
      isHybridAzureADJoinedDeviceAccepted: true,
    }),
  ],
  ['inboundTrust inherited', withValue('inboundTrust', null)],
  [
    'applications half',
    withValue('b2bCollaborationInbound.applications', blocked('AllApplications', 'application')),
  ],
  [
    'both halves',
    withValue('b2bCollaborationInbound', {
      usersAndGroups: blocked('AllUsers', 'user'),
      applications: blocked('AllApplications', 'application'),
    }),
  ],
  [
    'consent with an extra member',
    withValue('automaticUserConsentSettings', { inboundAllowed: true, outboundAllowed: true }),
  ],
]

describe.each(['replace', 'merge'] as const)('buildPatchBody under nested PATCH %s', (mode) => {
  it.each(driftCases)('reaches the exact default policy (%s)', (_name, partner) => {
    const body = buildPatchBody(defaultPolicy, evaluatePartner(defaultPolicy, partner, [], now))
    expect(body).not.toBeNull()
    expect(repairableDrift(defaultPolicy, apply(partner, body ?? {}, mode))).toEqual([])
  })

  it('resets a nested member whose desired value is inherited (explicit null, not left out)', () => {
    const policy = structuredClone(defaultPolicy)
    const hybrid = policy.fields.find((f) => f.path === 'inboundTrust.isHybridAzureADJoinedDeviceAccepted')
    if (hybrid === undefined) throw new Error('fixture')
    hybrid.desired = null
    const partner = withValue('inboundTrust', {
      isMfaAccepted: false,
      isCompliantDeviceAccepted: true,
      isHybridAzureADJoinedDeviceAccepted: true,
    })
    const body = buildPatchBody(policy, evaluatePartner(policy, partner, [], now))
    expect(body).toStrictEqual({
      inboundTrust: {
        isMfaAccepted: true,
        isCompliantDeviceAccepted: true,
        isHybridAzureADJoinedDeviceAccepted: null,
      },
    })
    expect(repairableDrift(policy, apply(partner, body ?? {}, mode))).toEqual([])
  })
})

describe('null in PATCH bodies for the shipped policy', () => {
  it.each(driftCases)('never sends a top-level null (%s), so a Graph that refuses null is fine', (_n, p) => {
    const body = buildPatchBody(defaultPolicy, evaluatePartner(defaultPolicy, p, [], now)) ?? {}
    expect(Object.values(body)).not.toContain(null)
  })

  it('a compliant entry needs no PATCH', () => {
    expect(
      buildPatchBody(defaultPolicy, evaluatePartner(defaultPolicy, compliantPartner(), [], now)),
    ).toBeNull()
  })
})
