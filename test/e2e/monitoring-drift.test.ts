// Compliance monitoring through the real worker, BullMQ, Postgres, MSAL, the Graph client and the simulator:
// a scheduled check, and each kind of drift classified, notified and repaired as each mode says.
import { describe, expect, it } from 'vitest'
import {
  auditActions,
  checkNow,
  customer,
  notificationsOf,
  readPartner,
  seedOnboardedCustomer,
  tamper,
} from '../support/monitoring.ts'
import { DRIFTS, type DriftKind, obj, sys, useMonitoringSystem } from '../support/monitoring-system.ts'

useMonitoringSystem()

describe('a scheduled check', () => {
  it('records a compliant run compactly and schedules the next one with jitter', async () => {
    const c = await seedOnboardedCustomer(sys)
    const first = await checkNow(sys, c.id)
    expect(first.outcome).toBe('compliant')
    expect(first.diff).toBeNull()
    expect(first.observedSnapshot).not.toBeNull() // first time we see this entry
    expect(first.graphRequestId).toMatch(/\S+/)
    expect(first.durationMs).toBeGreaterThanOrEqual(0)
    const after = await customer(sys, c.id)
    expect(after.complianceState).toBe('compliant')
    expect(after.lastCheckRunId).toBe(first.id)
    expect(after.lastObservedHash).toBe(first.observedHash)
    const interval = sys.config.CHECK_INTERVAL_SECONDS * 1000
    const delta = (after.nextCheckAt?.getTime() ?? 0) - (after.lastCheckAt?.getTime() ?? 0)
    expect(delta).toBeGreaterThanOrEqual(interval * 0.9 - 1)
    expect(delta).toBeLessThanOrEqual(interval * 1.1 + 1)

    // An identical second run stores no snapshot and writes no audit event.
    const auditBefore = (await auditActions(sys, c.id)).length
    const second = await checkNow(sys, c.id)
    expect(second.outcome).toBe('compliant')
    expect(second.observedSnapshot).toBeNull()
    expect(second.observedHash).toBe(first.observedHash)
    expect((await auditActions(sys, c.id)).length).toBe(auditBefore)
    expect(await notificationsOf(sys, c.id)).toEqual([])
  })
})

describe('each kind of drift in each mode', () => {
  const modes = ['report', 'alert', 'remediate'] as const
  const cases = modes.flatMap((mode) => (Object.keys(DRIFTS) as DriftKind[]).map((kind) => ({ mode, kind })))

  it('classifies, notifies and repairs exactly as the mode says (12 tenants in parallel)', async () => {
    const results = await Promise.all(
      cases.map(async ({ mode, kind }) => {
        const c = await seedOnboardedCustomer(sys, { mode })
        await checkNow(sys, c.id) // baseline: compliant
        tamper(sys, c.tenantId ?? '', DRIFTS[kind])
        const tampered = readPartner(sys, c.tenantId ?? '')
        const run = await checkNow(sys, c.id)
        return {
          mode,
          kind,
          run,
          customer: await customer(sys, c.id),
          partnerBefore: tampered,
          partnerAfter: readPartner(sys, c.tenantId ?? ''),
          notifications: await notificationsOf(sys, c.id),
          audit: await auditActions(sys, c.id),
        }
      }),
    )
    for (const r of results) {
      const label = `${r.mode}/${r.kind}`
      const repairable = r.kind !== 'outbound_added'
      const diff = r.run.diff as {
        removalKind: string | null
        fields: { path: string; remediation: string }[]
      }
      if (r.mode === 'remediate' && repairable) {
        expect(r.run.outcome, label).toBe('remediated')
        expect(r.customer.complianceState, label).toBe('compliant')
        expect(r.partnerAfter, label).toMatchObject({
          inboundTrust: { isMfaAccepted: true, isCompliantDeviceAccepted: true },
          b2bCollaborationInbound: { usersAndGroups: { accessType: 'allowed' } },
        })
        expect(r.run.after, label).not.toBeNull() // before/after recorded
        expect(r.notifications, label).toEqual(
          r.kind === 'entry_deleted'
            ? ['drifted', 'removed_by_customer', 'remediated']
            : ['drifted', 'remediated'],
        )
        expect(r.audit, label).toContain('policy.remediated')
        continue
      }
      // report and alert (and remediate of a report-only field): recorded, never written.
      expect(r.partnerAfter, label).toEqual(r.partnerBefore)
      if (r.kind === 'entry_deleted') {
        expect(r.run.outcome, label).toBe('removed')
        expect(r.customer.complianceState, label).toBe('removed_by_customer')
        expect(diff.removalKind, label).toBe('partner_entry_deleted')
      } else {
        expect(r.run.outcome, label).toBe('drifted')
        expect(r.customer.complianceState, label).toBe('drifted')
        const paths = diff.fields.map((f) => f.path)
        if (r.kind === 'trust_flag') expect(paths, label).toEqual(['inboundTrust.isMfaAccepted'])
        if (r.kind === 'blocked_access') {
          expect(paths, label).toEqual([
            'b2bCollaborationInbound.usersAndGroups',
            'b2bCollaborationInbound.applications',
          ])
        }
        if (r.kind === 'outbound_added') {
          expect(paths, label).toEqual(['b2bCollaborationOutbound'])
          expect(diff.fields[0]?.remediation, label).toBe('report_only')
        }
      }
      expect(r.audit, label).toContain(`compliance.${r.customer.complianceState}`)
      expect(r.audit, label).not.toContain('policy.remediated')
      const expected =
        r.mode === 'report'
          ? []
          : r.kind === 'entry_deleted'
            ? ['drifted', 'removed_by_customer']
            : ['drifted']
      expect(r.notifications, label).toEqual(expected)
    }
  })

  it('does not re-alert for drift that persists, and tells recovery once', async () => {
    const c = await seedOnboardedCustomer(sys, { mode: 'alert' })
    tamper(sys, c.tenantId ?? '', DRIFTS.trust_flag)
    await checkNow(sys, c.id)
    await checkNow(sys, c.id)
    await checkNow(sys, c.id)
    expect(await notificationsOf(sys, c.id)).toEqual(['drifted'])
    tamper(sys, c.tenantId ?? '', (p) => {
      obj(p, 'inboundTrust').isMfaAccepted = true
    })
    expect((await checkNow(sys, c.id)).outcome).toBe('compliant')
    await checkNow(sys, c.id)
    expect(await notificationsOf(sys, c.id)).toEqual(['drifted', 'recovered'])
  })
})
