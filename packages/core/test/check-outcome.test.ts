// The decisions of one check after its read and repair: what to repair, the run's outcome, the customer's next
// state, the failure reason and the next schedule. Table tests: each row is one situation a check can meet.
import { describe, expect, it } from 'vitest'
import type { CheckClassification, CheckOutcomeInput, ComplianceState, MonitoringMode } from '../src/index.ts'
import {
  checkFailureReason,
  classifyCheck,
  compactDiff,
  decideCheckOutcome,
  defaultPolicy,
  evaluatePartner,
  nextCheckAt,
  repairFor,
  scheduleAfterCheck,
} from '../src/index.ts'
import { compliantPartner, withValue } from './fixtures.ts'

const now = new Date('2026-11-27T00:00:00Z')
const evaluated = (observed: unknown): CheckClassification =>
  classifyCheck({ kind: 'evaluated', evaluation: evaluatePartner(defaultPolicy, observed, [], now) })

const compliant = evaluated(compliantPartner())
const trustChanged = evaluated(withValue('inboundTrust.isMfaAccepted', false))
const reportOnly = evaluated(
  withValue('b2bCollaborationOutbound', { usersAndGroups: { accessType: 'blocked', targets: [] } }),
)
const deleted = evaluated(null)
const throttled = classifyCheck({ kind: 'error', errorKind: 'throttled', code: 'TooManyRequests' })
const revoked = classifyCheck({
  kind: 'error',
  errorKind: 'access_lost',
  code: 'Authorization_RequestDenied',
})
const appRemoved = classifyCheck({ kind: 'error', errorKind: 'access_lost', code: 'AADSTS700016' })

describe('repairFor', () => {
  const rows: [string, 'check' | 'apply', MonitoringMode, CheckClassification, 'create' | 'patch' | null][] =
    [
      ['a check in remediate patches repairable drift', 'check', 'remediate', trustChanged, 'patch'],
      ['a check in remediate recreates a deleted entry', 'check', 'remediate', deleted, 'create'],
      ['a check in alert repairs nothing', 'check', 'alert', trustChanged, null],
      ['a check in report repairs nothing', 'check', 'report', deleted, null],
      ['a check never writes report-only drift', 'check', 'remediate', reportOnly, null],
      ['an apply patches drift whatever the mode', 'apply', 'report', trustChanged, 'patch'],
      ['an apply recreates a deleted entry in alert mode', 'apply', 'alert', deleted, 'create'],
      ['an apply of a compliant entry writes nothing', 'apply', 'remediate', compliant, null],
      ['an apply never writes report-only drift', 'apply', 'report', reportOnly, null],
      ['nothing is repaired after a throttled read', 'apply', 'remediate', throttled, null],
      ['nothing is repaired after access was lost', 'check', 'remediate', revoked, null],
    ]
  it.each(rows)('%s', (_name, kind, mode, classification, expected) => {
    expect(repairFor(kind, mode, classification)).toBe(expected)
  })
})

describe('decideCheckOutcome', () => {
  const input = (over: Partial<CheckOutcomeInput> & { classification: CheckClassification }) => ({
    finalStatus: over.classification.evaluation?.status ?? null,
    repairAttempted: false,
    repaired: false,
    currentState: 'compliant' as ComplianceState,
    ...over,
  })
  const rows: [string, CheckOutcomeInput, ReturnType<typeof decideCheckOutcome>][] = [
    [
      'a compliant read keeps the customer compliant',
      input({ classification: compliant }),
      { outcome: 'compliant', nextState: 'compliant', repairFailed: false, failed: false },
    ],
    [
      'drift that is only reported',
      input({ classification: trustChanged }),
      { outcome: 'drifted', nextState: 'drifted', repairFailed: false, failed: false },
    ],
    [
      'drift repaired and confirmed by the read-back',
      input({
        classification: trustChanged,
        finalStatus: 'compliant',
        repairAttempted: true,
        repaired: true,
        currentState: 'drifted',
      }),
      { outcome: 'remediated', nextState: 'compliant', repairFailed: false, failed: false },
    ],
    [
      'a repair the read-back does not confirm fails the check',
      input({ classification: trustChanged, repairAttempted: true }),
      { outcome: 'drifted', nextState: 'drifted', repairFailed: true, failed: true },
    ],
    [
      'a deleted entry left alone is removed by the customer',
      input({ classification: deleted }),
      { outcome: 'removed', nextState: 'removed_by_customer', repairFailed: false, failed: false },
    ],
    [
      'a deleted entry recreated is remediated',
      input({ classification: deleted, finalStatus: 'compliant', repairAttempted: true, repaired: true }),
      { outcome: 'remediated', nextState: 'compliant', repairFailed: false, failed: false },
    ],
    [
      'report-only drift that a repair cannot fix stays drifted',
      input({ classification: reportOnly, finalStatus: 'drifted', repairAttempted: true, repaired: true }),
      { outcome: 'remediated', nextState: 'drifted', repairFailed: false, failed: false },
    ],
    [
      'a throttled read keeps the last known state',
      input({ classification: throttled, currentState: 'drifted' }),
      { outcome: 'unknown', nextState: 'drifted', repairFailed: false, failed: true },
    ],
    [
      'revoked consent is access lost',
      input({ classification: revoked }),
      { outcome: 'access_lost', nextState: 'access_lost', repairFailed: false, failed: true },
    ],
    [
      'a repair refused for lost access is access lost, not a failed repair',
      input({ classification: revoked, repairAttempted: true }),
      { outcome: 'access_lost', nextState: 'access_lost', repairFailed: false, failed: true },
    ],
  ]
  it.each(rows)('%s', (_name, given, expected) => {
    expect(decideCheckOutcome(given)).toEqual(expected)
  })
})

describe('checkFailureReason', () => {
  it('tells a removed app from revoked consent and a failed read', () => {
    expect(checkFailureReason(appRemoved, null)).toBe(
      "The customer removed the partner app from their tenant (AADSTS700016). Ask the customer's administrator to consent again with a new consent link.",
    )
    expect(checkFailureReason(revoked, null)).toBe(
      'Microsoft refused access (Authorization_RequestDenied): admin consent was revoked or its permissions removed. Send a new consent link.',
    )
    expect(checkFailureReason(throttled, 'Retry after 30 s.')).toBe(
      'Could not read the partner entry (TooManyRequests); the check is retried with backoff. Retry after 30 s.',
    )
    expect(checkFailureReason(classifyCheck({ kind: 'error', errorKind: 'transient' }), null)).toBe(
      'Could not read the partner entry (transient); the check is retried with backoff.',
    )
  })
})

describe('compactDiff', () => {
  it('keeps only differing fields, and nothing for a compliant entry', () => {
    const evaluate = (observed: unknown) => evaluatePartner(defaultPolicy, observed, [], now)
    expect(compactDiff(evaluate(compliantPartner()), compliant)).toBeNull()
    expect(compactDiff(evaluate(withValue('inboundTrust.isMfaAccepted', false)), trustChanged)).toEqual({
      status: 'drifted',
      removalKind: null,
      fields: [
        expect.objectContaining({ path: 'inboundTrust.isMfaAccepted', desired: true, observed: false }),
      ],
    })
  })
})

describe('scheduleAfterCheck', () => {
  const base = {
    now,
    intervalSeconds: 6 * 3600,
    customerId: 'c-1',
    failed: false,
    consecutiveFailures: 3,
    backoff: { baseSeconds: 60, capSeconds: 6 * 3600 },
    acceptedExpiries: [],
  }
  const interval = nextCheckAt(now, 6 * 3600, 'c-1')

  it('schedules the interval with jitter and clears failures after a good check', () => {
    expect(scheduleAfterCheck(base)).toEqual({
      nextCheckAt: interval,
      consecutiveFailures: 0,
      backoffUntil: null,
    })
  })

  it('backs a failure off exponentially, sooner than the interval', () => {
    const backoff = new Date(now.getTime() + 480_000)
    expect(scheduleAfterCheck({ ...base, failed: true })).toEqual({
      nextCheckAt: backoff,
      consecutiveFailures: 4,
      backoffUntil: backoff,
    })
  })

  it('a failure throttled for longer than the backoff is not retried before the Retry-After ends', () => {
    const long = scheduleAfterCheck({ ...base, failed: true, retryAfterMs: 900_000 })
    expect(long.backoffUntil).toEqual(new Date(now.getTime() + 900_000))
    expect(long.nextCheckAt).toEqual(new Date(now.getTime() + 900_000))
    const short = scheduleAfterCheck({ ...base, failed: true, retryAfterMs: 5_000 })
    expect(short.backoffUntil).toEqual(new Date(now.getTime() + 480_000))
    expect(scheduleAfterCheck({ ...base, retryAfterMs: 900_000 }).backoffUntil).toBeNull()
  })

  it('brings the check forward to just after an accepted deviation expires', () => {
    const expiry = new Date(now.getTime() + 3600_000)
    expect(scheduleAfterCheck({ ...base, acceptedExpiries: [expiry] }).nextCheckAt).toEqual(
      new Date(expiry.getTime() + 1_000),
    )
    const late = new Date(interval.getTime() + 3600_000)
    expect(scheduleAfterCheck({ ...base, acceptedExpiries: [late] }).nextCheckAt).toEqual(interval)
  })
})
