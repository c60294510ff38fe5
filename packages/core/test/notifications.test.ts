import { describe, expect, it } from 'vitest'
import type { NotifiableState, NotifiableStatus } from '../src/index.ts'
import { detectTransition, notificationDedupeKey } from '../src/index.ts'

const s = (status: NotifiableStatus, removedByCustomer = false): NotifiableState => ({
  status,
  removedByCustomer,
})

describe('detectTransition', () => {
  it('reports the documented transitions', () => {
    expect(detectTransition(s('compliant'), s('drifted'))).toEqual(['drifted'])
    expect(detectTransition(s('drifted'), s('compliant'))).toEqual(['recovered'])
    expect(detectTransition(s('drifted'), s('remediated'))).toEqual(['remediated'])
    expect(detectTransition(s('compliant'), s('access_lost'))).toEqual(['access_lost'])
    expect(detectTransition(s('drifted'), s('access_lost'))).toEqual(['access_lost'])
    expect(detectTransition(s('access_lost'), s('compliant'))).toEqual(['access_restored'])
    expect(detectTransition(s('onboarding'), s('onboarding_failed'))).toEqual(['onboarding_failed'])
    expect(detectTransition(s('onboarding'), s('compliant'))).toEqual(['onboarding_completed'])
    expect(detectTransition(null, s('compliant'))).toEqual(['onboarding_completed'])
    expect(detectTransition(s('onboarding_failed'), s('compliant'))).toEqual(['onboarding_completed'])
  })

  it('is silent when the state did not change', () => {
    for (const status of [
      'compliant',
      'drifted',
      'access_lost',
      'onboarding_failed',
      'onboarding',
      'offboarded',
    ] as const) {
      expect(detectTransition(s(status), s(status))).toEqual([])
    }
    expect(detectTransition(s('remediated'), s('compliant'))).toEqual([])
    expect(detectTransition(s('drifted', true), s('drifted', true))).toEqual([])
  })

  it('marks removal by the customer distinctly, once', () => {
    expect(detectTransition(s('compliant'), s('drifted', true))).toEqual(['drifted', 'removed_by_customer'])
    expect(detectTransition(s('drifted'), s('drifted', true))).toEqual(['removed_by_customer'])
    expect(detectTransition(s('compliant'), s('access_lost', true))).toEqual([
      'access_lost',
      'removed_by_customer',
    ])
    expect(detectTransition(s('access_lost', true), s('access_lost', true))).toEqual([])
  })

  it('reports both restored access and drift found on return', () => {
    expect(detectTransition(s('access_lost'), s('drifted'))).toEqual(['access_restored', 'drifted'])
  })

  it('does not notify offboarding (a staff action, audited instead)', () => {
    expect(detectTransition(s('compliant'), s('offboarded'))).toEqual([])
  })
})

describe('notificationDedupeKey', () => {
  it('is stable per customer, transition and state change', () => {
    const at = new Date('2026-11-27T00:00:00Z')
    expect(notificationDedupeKey('c1', 'drifted', at)).toBe(
      notificationDedupeKey('c1', 'drifted', new Date(at)),
    )
    expect(notificationDedupeKey('c1', 'drifted', at)).not.toBe(notificationDedupeKey('c1', 'recovered', at))
    expect(notificationDedupeKey('c1', 'drifted', 7)).toBe('notify.c1.drifted.7')
    expect(notificationDedupeKey('c1', 'drifted', at)).not.toContain(':')
  })
})
