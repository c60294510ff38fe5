// Drift episodes, compliance, mean time to detect and to repair, the fleet totals and the timeline sentences.
import { describe, expect, it } from 'vitest'
import {
  attributionText,
  buildFleetReport,
  compliancePercent,
  driftEpisodes,
  formatDuration,
  meanTimeToDetectSeconds,
  meanTimeToRepairSeconds,
  type EvidenceAttribution,
  type MetricRun,
  type RunOutcome,
} from '../src/index.ts'

const at = (hhmm: string) => new Date(`2026-11-10T${hhmm}:00.000Z`)
let n = 0
const run = (
  hhmm: string,
  outcome: RunOutcome,
  attribution: EvidenceAttribution | null = null,
  kind = 'check',
): MetricRun => ({
  id: `run-${String((n += 1))}`,
  kind,
  outcome,
  at: at(hhmm),
  attribution,
})

const found = (activityTime: string, ours = false): EvidenceAttribution => ({
  status: 'found',
  windowStart: at('00:00').toISOString(),
  windowEnd: at('23:00').toISOString(),
  attempts: 1,
  errorMessage: null,
  entries: [
    {
      auditId: 'a1',
      activity: 'Update a partner cross-tenant access setting',
      activityDateTime: at(activityTime).toISOString(),
      actor: ours
        ? { type: 'app', appId: 'our-app', displayName: 'Crosstrust' }
        : { type: 'user', userPrincipalName: 'anna@contoso.com', displayName: 'Anna' },
      ours,
      modifiedProperties: [
        { name: 'inboundTrust', oldValue: '{"isMfaAccepted":true}', newValue: '{"isMfaAccepted":false}' },
      ],
    },
  ],
})

describe('drift metrics', () => {
  it('counts only checks with a determinate outcome for compliance', () => {
    const runs = [
      run('01:00', 'compliant'),
      run('02:00', 'skipped'),
      run('03:00', 'unknown'),
      run('04:00', 'drifted'),
      run('05:00', 'compliant'),
      run('06:00', 'compliant', null, 'apply'),
    ]
    expect(compliancePercent(runs)).toBe(66.7)
    expect(compliancePercent([run('01:00', 'failed')])).toBeNull()
  })

  it('opens an episode at the first drift, closes it at the repair, and times detection from the audit log', () => {
    const runs = [
      run('01:00', 'compliant'),
      run('03:00', 'drifted', found('02:30')),
      run('04:00', 'drifted'),
      run('05:00', 'remediated', null, 'apply'),
      run('06:00', 'compliant'),
    ]
    const episodes = driftEpisodes(runs)
    expect(episodes).toHaveLength(1)
    expect(episodes[0]).toMatchObject({
      detectedAt: at('03:00'),
      changedAt: at('02:30'),
      changeTimeKnown: true,
      repairedAt: at('05:00'),
    })
    expect(meanTimeToDetectSeconds(episodes)).toBe(30 * 60)
    expect(meanTimeToRepairSeconds(episodes)).toBe(2 * 3600)
  })

  it('bounds the change time by the last agreed check when the audit log names none (or only our own writes)', () => {
    const episodes = driftEpisodes([
      run('01:00', 'compliant'),
      run('03:00', 'removed', found('02:00', true)),
      run('09:00', 'remediated'),
    ])
    expect(episodes).toHaveLength(1)
    expect(episodes[0]).toMatchObject({
      changedAt: at('01:00'),
      changeTimeKnown: false,
      repairedAt: at('09:00'),
    })
    expect(meanTimeToDetectSeconds(episodes)).toBe(2 * 3600)
  })

  it('treats a remediated check as drift found and repaired at once; an unrepaired drift has no repair time', () => {
    const episodes = driftEpisodes([run('01:00', 'remediated'), run('02:00', 'drifted')])
    expect(episodes.map((e) => e.repairedAt)).toEqual([at('01:00'), null])
    // Nothing before the first says when its change happened; the repair bounds the second one's.
    expect(episodes.map((e) => e.changedAt)).toEqual([null, at('01:00')])
    expect(meanTimeToRepairSeconds(episodes)).toBe(0)
    expect(meanTimeToDetectSeconds(episodes)).toBe(3600)
  })

  it('formats durations for people', () => {
    expect([
      formatDuration(null),
      formatDuration(42),
      formatDuration(1800),
      formatDuration(12_000),
      formatDuration(200_000),
    ]).toEqual(['—', '42 s', '30 min', '3 h 20 min', '2 d 7 h'])
  })
})

describe('attribution sentences', () => {
  it('names the user, the activity and the time; says when attribution is not enabled', () => {
    expect(attributionText(found('14:02'))).toBe(
      'Update a partner cross-tenant access setting by anna@contoso.com at 2026-11-10 14:02 UTC',
    )
    expect(attributionText(found('14:02', true))).toBe('changed by Crosstrust itself')
    expect(attributionText({ ...found('14:02'), status: 'not_enabled', entries: [] })).toBe(
      'attribution not enabled',
    )
    expect(attributionText(null)).toBe('no attribution recorded')
  })
})

describe('fleet report', () => {
  it('sums the customers and counts those whose trust is not effective (unevaluated included)', () => {
    const report = buildFleetReport(
      [
        {
          id: 'c1',
          name: 'Contoso',
          tenantId: 't1',
          complianceState: 'compliant',
          runs: [
            run('01:00', 'compliant'),
            run('03:00', 'drifted', found('02:00')),
            run('04:00', 'compliant'),
          ],
          deviationsOpen: 1,
          trustVerdict: 'effective',
        },
        {
          id: 'c2',
          name: 'Fabrikam',
          tenantId: 't2',
          complianceState: 'compliant',
          runs: [run('01:00', 'compliant')],
          deviationsOpen: 0,
          trustVerdict: 'no_effect',
        },
        {
          id: 'c3',
          name: 'Northwind',
          tenantId: null,
          complianceState: 'pending',
          runs: [],
          deviationsOpen: 2,
          trustVerdict: null,
        },
      ],
      { from: at('00:00').toISOString(), to: at('23:00').toISOString() },
      at('23:30'),
    )
    expect(report.totals).toEqual({
      customers: 3,
      checks: 4,
      compliancePercent: 75,
      drifts: 1,
      meanTimeToDetectSeconds: 3600,
      meanTimeToRepairSeconds: 3600,
      deviationsOpen: 3,
      customersTrustNotEffective: 2,
    })
    expect(report.rows.map((r) => [r.name, r.compliancePercent, r.trustEffective])).toEqual([
      ['Contoso', 66.7, true],
      ['Fabrikam', 100, false],
      ['Northwind', null, false],
    ])
  })
})
