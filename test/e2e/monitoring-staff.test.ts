// Compliance monitoring through the real worker and the simulator: accepted deviations (expiry, revocation),
// staff actions (mode, interval) and offboarding.
import { describe, expect, it } from 'vitest'
import { ConflictError, ValidationError } from '@crosstrust/core'
import {
  acceptDeviation,
  changeCheckInterval,
  changeMode,
  requestOffboard,
  requestRecheck,
  revokeDeviation,
} from '@crosstrust/services'
import {
  APP,
  STAFF,
  auditActions,
  checkNow,
  customer,
  nextRun,
  notificationsOf,
  readPartner,
  runsOf,
  seedOnboardedCustomer,
  tamper,
} from '../support/monitoring.ts'
import { ctx, DRIFTS, obj, sys, useMonitoringSystem } from '../support/monitoring-system.ts'

useMonitoringSystem()

describe('accepted deviations', () => {
  it('are not drift until they expire, then drift again', async () => {
    const c = await seedOnboardedCustomer(sys, { mode: 'remediate' })
    tamper(sys, c.tenantId ?? '', (p) => {
      obj(p, 'inboundTrust').isHybridAzureADJoinedDeviceAccepted = true
    })
    const expiresAt = new Date(Date.now() + 4_000)
    const known = (await runsOf(sys, c.id)).length
    const deviation = await acceptDeviation(
      ctx,
      c.id,
      {
        field: 'inboundTrust.isHybridAzureADJoinedDeviceAccepted',
        acceptedValue: true,
        reason: 'Customer relies on hybrid join for SOC laptops',
        owner: 'soc-lead@truesecdetect.io',
        expiresAt,
      },
      STAFF,
    )
    const accepted = await nextRun(sys, c.id, known) // acceptDeviation queues a check itself
    expect(accepted.outcome).toBe('compliant')
    const fields = (accepted.diff as { fields: { path: string; accepted: unknown; drift: boolean }[] }).fields
    expect(fields).toHaveLength(1)
    expect(fields[0]).toMatchObject({
      path: 'inboundTrust.isHybridAzureADJoinedDeviceAccepted',
      drift: false,
      accepted: { deviationId: deviation.id },
    })
    // Remediate mode still leaves an accepted difference alone.
    expect(
      obj(readPartner(sys, c.tenantId ?? '') ?? {}, 'inboundTrust').isHybridAzureADJoinedDeviceAccepted,
    ).toBe(true)
    // The next check is brought forward to the expiry, not 6 hours away.
    const scheduled = (await customer(sys, c.id)).nextCheckAt?.getTime() ?? 0
    expect(scheduled).toBeLessThanOrEqual(expiresAt.getTime() + 1_000)

    await new Promise((r) => setTimeout(r, Math.max(0, expiresAt.getTime() - Date.now() + 50)))
    const expired = await checkNow(sys, c.id)
    expect(expired.outcome).toBe('remediated') // drift again, and remediate mode repairs it now
    expect(
      obj(readPartner(sys, c.tenantId ?? '') ?? {}, 'inboundTrust').isHybridAzureADJoinedDeviceAccepted,
    ).toBe(false)
    expect(await auditActions(sys, c.id)).toEqual(
      expect.arrayContaining(['deviation.accepted', 'policy.remediated']),
    )
  })

  it('a revoked deviation is drift at once; bad input is refused and changes nothing', async () => {
    const c = await seedOnboardedCustomer(sys, { mode: 'alert' })
    tamper(sys, c.tenantId ?? '', DRIFTS.outbound_added)
    expect((await checkNow(sys, c.id)).outcome).toBe('drifted')
    // Without acceptedValue, the value the latest check observed is accepted.
    const known = (await runsOf(sys, c.id)).length
    const deviation = await acceptDeviation(
      ctx,
      c.id,
      {
        field: 'b2bCollaborationOutbound',
        reason: 'Customer collaborates outbound with us',
        owner: 'am@truesecdetect.io',
        expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
      },
      STAFF,
    )
    expect((await nextRun(sys, c.id, known)).outcome).toBe('compliant')
    expect((await customer(sys, c.id)).complianceState).toBe('compliant')

    const known2 = (await runsOf(sys, c.id)).length
    await revokeDeviation(ctx, c.id, deviation.id, STAFF)
    expect((await nextRun(sys, c.id, known2)).outcome).toBe('drifted')
    expect(await notificationsOf(sys, c.id)).toEqual(['drifted', 'recovered', 'drifted'])

    const base = { reason: 'r', owner: 'o', expiresAt: new Date(Date.now() + 86_400_000) }
    const count = await sys.db.prisma.acceptedDeviation.count({ where: { customerId: c.id } })
    await expect(acceptDeviation(ctx, c.id, { ...base, field: 'isServiceProvider' }, STAFF)).rejects.toThrow(
      ValidationError,
    )
    await expect(
      acceptDeviation(
        ctx,
        c.id,
        { ...base, field: 'tenantRestrictions', expiresAt: new Date(Date.now() - 1) },
        STAFF,
      ),
    ).rejects.toThrow(ValidationError)
    await expect(
      acceptDeviation(
        ctx,
        c.id,
        { ...base, field: 'tenantRestrictions', expiresAt: new Date(Date.now() + 400 * 86_400_000) },
        STAFF,
      ),
    ).rejects.toThrow(ValidationError)
    await expect(
      acceptDeviation(ctx, c.id, { ...base, reason: ' ', field: 'tenantRestrictions' }, STAFF),
    ).rejects.toThrow(ValidationError)
    expect(await sys.db.prisma.acceptedDeviation.count({ where: { customerId: c.id } })).toBe(count)
  })
})

describe('staff actions', () => {
  it('change mode and interval with audit; refuse bad input', async () => {
    const c = await seedOnboardedCustomer(sys, { mode: null })
    tamper(sys, c.tenantId ?? '', DRIFTS.trust_flag)
    expect((await checkNow(sys, c.id)).outcome).toBe('drifted') // global default mode: alert
    const known = await sys.db.prisma.checkRun.count({ where: { customerId: c.id, kind: 'check' } })
    const changed = await changeMode(ctx, c.id, 'remediate', STAFF)
    expect(changed.queued).toBe('check') // known drift is repaired now
    expect((await nextRun(sys, c.id, known)).outcome).toBe('remediated')
    await expect(changeMode(ctx, c.id, 'loud' as never, STAFF)).rejects.toThrow(ValidationError)
    await changeMode(ctx, c.id, null, STAFF)
    expect((await customer(sys, c.id)).mode).toBeNull()

    const interval = await changeCheckInterval(ctx, c.id, 900, STAFF, sys.config.CHECK_INTERVAL_SECONDS)
    expect(interval.checkIntervalSeconds).toBe(900)
    expect(new Date(interval.nextCheckAt ?? 0).getTime()).toBeLessThanOrEqual(Date.now() + 990_000)
    await expect(changeCheckInterval(ctx, c.id, 10, STAFF, 3600)).rejects.toThrow(ValidationError)
    const audit = await sys.db.prisma.auditEvent.findMany({
      where: { customerId: c.id, actorType: 'staff' },
      orderBy: { id: 'asc' },
    })
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['customer.mode_changed', 'customer.check_interval_changed']),
    )
    const modeChange = audit.find((a) => a.action === 'customer.mode_changed')
    expect(modeChange?.before).toEqual({ mode: null })
    expect(modeChange?.after).toEqual({ mode: 'remediate' })
  })
})

describe('offboarding', () => {
  it('deletes the partner entry, verifies it is gone, stops checks and records it', async () => {
    const c = await seedOnboardedCustomer(sys)
    const tenantId = c.tenantId ?? ''
    const queued = await requestOffboard(ctx, c.id, STAFF, { reason: 'contract ended' })
    expect(queued.queued).toBe('offboard')
    const run = await nextRun(sys, c.id, 0, 'offboard')
    expect(run.outcome).toBe('offboarded')
    expect(readPartner(sys, tenantId)).toBeNull()
    const after = await customer(sys, c.id)
    expect(after.onboardingState).toBe('offboarded')
    expect(after.complianceState).toBe('offboarded')
    expect(after.offboardedAt).not.toBeNull()
    expect(after.nextCheckAt).toBeNull()
    expect(await auditActions(sys, c.id)).toEqual(
      expect.arrayContaining(['customer.offboard_requested', 'customer.offboarded']),
    )
    // Checks of an offboarded customer do nothing; staff actions refuse.
    await expect(requestRecheck(ctx, c.id, STAFF)).rejects.toThrow(ConflictError)
    await expect(requestOffboard(ctx, c.id, STAFF)).rejects.toThrow(ConflictError)
  })

  it('an entry the customer already deleted is success; lost access offboards with a note', async () => {
    const gone = await seedOnboardedCustomer(sys, { partner: null })
    await requestOffboard(ctx, gone.id, STAFF)
    const goneRun = await nextRun(sys, gone.id, 0, 'offboard')
    expect(goneRun.diff).toEqual({ deleteResult: 'absent' })
    expect((await customer(sys, gone.id)).onboardingState).toBe('offboarded')

    const locked = await seedOnboardedCustomer(sys)
    sys.sim.state.revokeConsent(locked.tenantId ?? '', APP)
    await requestOffboard(ctx, locked.id, STAFF)
    const lockedRun = await nextRun(sys, locked.id, 0, 'offboard')
    expect(lockedRun.outcome).toBe('offboarded')
    const after = await customer(sys, locked.id)
    expect(after.onboardingState).toBe('offboarded')
    expect(after.lastFailureReason).toMatch(/ask the customer administrator to delete/i)
    expect(readPartner(sys, locked.tenantId ?? '')).not.toBeNull() // we could not delete it
  })
})
