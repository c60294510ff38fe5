import { describe, expect, it } from 'vitest'
import type { CheckClassification, MonitoringMode } from '../src/index.ts'
import {
  classifyCheck,
  decideAction,
  defaultPolicy,
  evaluatePartner,
  removedByCustomer,
} from '../src/index.ts'
import { compliantPartner, withValue } from './fixtures.ts'

const now = new Date('2026-11-27T00:00:00Z')
const evaluated = (observed: unknown): CheckClassification =>
  classifyCheck({ kind: 'evaluated', evaluation: evaluatePartner(defaultPolicy, observed, [], now) })

const compliant = evaluated(compliantPartner())
const trustChanged = evaluated(withValue('inboundTrust.isMfaAccepted', false))
const outboundAdded = evaluated(
  withValue('b2bCollaborationOutbound', { usersAndGroups: { accessType: 'blocked', targets: [] } }),
)
const deleted = evaluated(null)

describe('classifyCheck', () => {
  it('classifies evaluations', () => {
    expect(compliant).toMatchObject({ outcome: 'compliant', removalKind: null })
    expect(trustChanged).toMatchObject({ outcome: 'drifted', removalKind: null })
    expect(deleted.outcome).toBe('drifted')
    expect(deleted.evaluation?.status).toBe('missing')
    expect(deleted.removalKind).toBe('partner_entry_deleted')
    expect(removedByCustomer(deleted)).toBe(true)
  })

  it('never turns a transient or throttled failure into drift', () => {
    for (const errorKind of [
      'transient',
      'throttled',
      'bad_request',
      'not_found',
      'conflict',
      'licence',
    ] as const) {
      const result = classifyCheck({ kind: 'error', errorKind, code: 'serviceNotAvailable' })
      expect(result).toMatchObject({
        outcome: 'unknown',
        evaluation: null,
        errorKind,
        errorCode: 'serviceNotAvailable',
      })
    }
  })

  it('classifies lost access and tells a removed app from revoked consent', () => {
    const revoked = classifyCheck({
      kind: 'error',
      errorKind: 'access_lost',
      code: 'Authorization_RequestDenied',
    })
    expect(revoked).toMatchObject({ outcome: 'access_lost', removalKind: 'consent_revoked' })
    expect(removedByCustomer(revoked)).toBe(false)
    for (const code of ['AADSTS700016', 'AADSTS7000229', '7000229']) {
      const removed = classifyCheck({ kind: 'error', errorKind: 'access_lost', code })
      expect(removed).toMatchObject({ outcome: 'access_lost', removalKind: 'app_removed' })
      expect(removedByCustomer(removed)).toBe(true)
    }
    expect(classifyCheck({ kind: 'error', errorKind: 'access_lost' }).removalKind).toBe('consent_revoked')
  })
})

describe('decideAction', () => {
  const modes: MonitoringMode[] = ['report', 'alert', 'remediate']

  it('records every run and never notifies in report mode', () => {
    for (const c of [compliant, trustChanged, outboundAdded, deleted]) {
      expect(decideAction('report', c)).toEqual({
        record: true,
        notify: false,
        repair: null,
        reverify: false,
      })
    }
  })

  it('notifies but never repairs in alert mode', () => {
    expect(decideAction('alert', trustChanged)).toEqual({
      record: true,
      notify: true,
      repair: null,
      reverify: false,
    })
    expect(decideAction('alert', deleted).repair).toBeNull()
  })

  it('repairs only repairable drift in remediate mode, then re-verifies', () => {
    expect(decideAction('remediate', trustChanged)).toEqual({
      record: true,
      notify: true,
      repair: 'patch',
      reverify: true,
    })
    expect(decideAction('remediate', deleted)).toEqual({
      record: true,
      notify: true,
      repair: 'create',
      reverify: true,
    })
    expect(decideAction('remediate', outboundAdded)).toEqual({
      record: true,
      notify: true,
      repair: null,
      reverify: false,
    })
    expect(decideAction('remediate', compliant).repair).toBeNull()
  })

  it('does nothing but record for unknown, and never repairs lost access', () => {
    const unknown = classifyCheck({ kind: 'error', errorKind: 'throttled' })
    const lost = classifyCheck({ kind: 'error', errorKind: 'access_lost' })
    for (const mode of modes) {
      expect(decideAction(mode, unknown)).toEqual({
        record: true,
        notify: false,
        repair: null,
        reverify: false,
      })
      expect(decideAction(mode, lost).repair).toBeNull()
    }
    expect(decideAction('alert', lost).notify).toBe(true)
  })
})
