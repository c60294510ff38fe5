// The policy page's presenter: the version in force in portal wording, its adoption and rollout in words,
// and the publish form for Admins only (the version in force, or what was submitted after a refusal).
import { defaultPolicy } from '@crosstrust/core'
import type { CurrentPolicyInfo, PolicyVersionSummary } from '@crosstrust/services'
import { describe, expect, it } from 'vitest'
import { presentPolicy } from '../src/routes/dashboard/policy/presenter.ts'

const now = new Date('2026-12-03T08:00:00Z')
const builtIn: PolicyVersionSummary = {
  version: 1,
  description: defaultPolicy.description,
  publishedAt: null,
  publishedBy: null,
  notes: null,
}
const current = (over: Partial<CurrentPolicyInfo>): CurrentPolicyInfo => ({
  ...builtIn,
  definition: defaultPolicy,
  compliantCustomers: 1200,
  otherCustomers: 0,
  rollout: null,
  ...over,
})

describe('policy page presenter', () => {
  it('words the fields, the adoption and no rollout; no form for a non-Admin', () => {
    const view = presentPolicy({
      current: current({}),
      versions: [builtIn],
      submitted: null,
      partnerName: 'Truesec Detect AB',
      publisher: null,
      now,
    })
    expect(view.adoption).toEqual({
      label: '1,200 of 1,200 onboarded customers verified compliant',
      tone: 'ok',
    })
    expect(view.rollout).toBeNull()
    expect(view.publish).toBeNull()
    expect(view.versions).toEqual([builtIn])
    expect(view.fields).toHaveLength(defaultPolicy.fields.length)
    expect(view.fields.find((f) => f.path === 'inboundTrust.isMfaAccepted')).toEqual({
      label: 'Trust settings → Trust multifactor authentication from Microsoft Entra tenants',
      desired: 'On (checked)',
      path: 'inboundTrust.isMfaAccepted',
      repairable: true,
    })
  })

  it('words a running rollout with its failures and the customers not yet verified', () => {
    const view = presentPolicy({
      current: current({
        otherCustomers: 300,
        rollout: {
          id: 'r1',
          version: 2,
          status: 'running',
          startedAt: now,
          finishedAt: null,
          startedBy: 'oid-a',
          total: 1500,
          done: 600,
          compliant: 500,
          drifted: 90,
          failed: 10,
          pending: 900,
          percent: 40,
        },
      }),
      versions: [],
      submitted: null,
      partnerName: 'Truesec Detect AB',
      publisher: null,
      now,
    })
    expect(view.adoption).toEqual({
      label: '1,200 of 1,500 onboarded customers verified compliant',
      tone: 'warn',
    })
    expect(view.rollout).toEqual({ label: 'Rollout of v2: running, 40% (600/1500, 10 failed)', tone: 'info' })
  })

  it('prefills the Admin form with the version in force without its number, or with what was refused', () => {
    const fresh = presentPolicy({
      current: current({}),
      versions: [],
      submitted: null,
      partnerName: 'Truesec Detect AB',
      publisher: { csrfToken: 't' },
      now,
    })
    const { version: _version, ...editable } = defaultPolicy
    expect(fresh.publish).toEqual({
      csrfToken: 't',
      definition: JSON.stringify(editable, null, 2),
      notes: '',
      errors: [],
    })
    const refused = presentPolicy({
      current: current({}),
      versions: [],
      submitted: { definition: '{', notes: 'try', errors: ['Not JSON.'] },
      partnerName: 'Truesec Detect AB',
      publisher: { csrfToken: 't' },
      now,
    })
    expect(refused.publish).toEqual({ csrfToken: 't', definition: '{', notes: 'try', errors: ['Not JSON.'] })
  })
})
