// Compliance monitoring through the real worker and the simulator: failures are unknown, never drift (503s,
// timeouts, lost access, backoff and recovery), and per-tenant serialization against an apply in flight.
import { describe, expect, it } from 'vitest'
import { setTimeout as sleep } from 'node:timers/promises'
import { DEFAULT_SETTINGS } from '@crosstrust/ms-sim'
import { createRedis } from '@crosstrust/jobs'
import { forceRetry, requestApply, requestRecheck } from '@crosstrust/services'
import { createTenantLock } from '../../apps/worker/src/tenant-lock.ts'
import {
  APP,
  STAFF,
  auditActions,
  checkNow,
  customer,
  nextRun,
  notificationsOf,
  readPartner,
  seedOnboardedCustomer,
  tamper,
} from '../support/monitoring.ts'
import { waitFor } from '../support/system.ts'
import { ctx, DRIFTS, obj, sys, useMonitoringSystem } from '../support/monitoring-system.ts'

useMonitoringSystem()

describe('failures are unknown, never drift', () => {
  it('503s and timeouts record unknown: no drift, no alert, backoff', async () => {
    const c = await seedOnboardedCustomer(sys, { mode: 'alert' })
    await checkNow(sys, c.id)
    const tenantId = c.tenantId ?? ''
    sys.sim.state.faults.add({
      kind: 'error',
      status: 503,
      origin: 'graph',
      tenantId,
      pathContains: '/partners',
    })
    const unavailable = await checkNow(sys, c.id)
    expect(unavailable.outcome).toBe('unknown')
    expect(unavailable.errorCode).toBe('serviceNotAvailable') // Graph's error code, verbatim
    sys.sim.state.faults.clear(tenantId)
    sys.sim.state.faults.add({
      kind: 'latency',
      latencyMs: 1_500,
      origin: 'graph',
      tenantId,
      pathContains: '/partners',
    })
    const slow = await checkNow(sys, c.id)
    expect(slow.outcome).toBe('unknown')
    sys.sim.state.faults.clear(tenantId)

    const after = await customer(sys, c.id)
    expect(after.complianceState).toBe('compliant') // the last known state stays
    expect(after.consecutiveFailures).toBe(2)
    expect(after.lastFailureReason).toMatch(/Could not read the partner entry/)
    expect(after.backoffUntil?.getTime()).toBeGreaterThan(Date.now())
    expect(await notificationsOf(sys, c.id)).toEqual([])

    expect((await checkNow(sys, c.id)).outcome).toBe('compliant')
    const healed = await customer(sys, c.id)
    expect(healed.consecutiveFailures).toBe(0)
    expect(healed.backoffUntil).toBeNull()
    expect(healed.lastFailureReason).toBeNull()
    expect(await notificationsOf(sys, c.id)).toEqual([])
  })

  it('access lost after consent revocation backs off exponentially; re-consent and a forced retry recover', async () => {
    const c = await seedOnboardedCustomer(sys, { mode: 'alert' })
    const tenantId = c.tenantId ?? ''
    // Graph refuses issued tokens at once here (revocation at token expiry: microsoft-realism.test.ts).
    sys.sim.state.requireTenant(tenantId).settings = { revocationEffect: 'immediate' }
    await checkNow(sys, c.id)
    sys.sim.state.revokeConsent(tenantId, APP)

    const lost = await checkNow(sys, c.id)
    expect(lost.outcome).toBe('access_lost')
    expect(lost.errorCode).toMatch(/\S/)
    const diff = lost.diff as { removalKind: string }
    expect(['app_removed', 'consent_revoked']).toContain(diff.removalKind)
    let state = await customer(sys, c.id)
    expect(state.complianceState).toBe('access_lost')
    expect(state.lastFailureReason).toMatch(/consent/)

    // Backoff grows: base, 2·base, 4·base (60 s by default), and each is recorded.
    const backoffSeconds = () =>
      Math.round(((state.backoffUntil?.getTime() ?? 0) - (state.lastCheckAt?.getTime() ?? 0)) / 1000)
    const waits = [backoffSeconds()]
    for (let i = 2; i <= 3; i += 1) {
      const before = await sys.db.prisma.checkRun.count({ where: { customerId: c.id, kind: 'check' } })
      await requestRecheck(ctx, c.id, STAFF) // staff re-checks are not held back by the backoff
      expect((await nextRun(sys, c.id, before)).outcome).toBe('access_lost')
      state = await customer(sys, c.id)
      expect(state.consecutiveFailures).toBe(i)
      waits.push(backoffSeconds())
    }
    expect(waits).toEqual([60, 120, 240])
    expect(state.nextCheckAt?.getTime()).toBe(state.backoffUntil?.getTime())
    expect(await notificationsOf(sys, c.id)).toEqual(
      diff.removalKind === 'app_removed' ? ['access_lost', 'removed_by_customer'] : ['access_lost'],
    )

    // The customer's admin consents again; once Microsoft has replicated the consent, staff force a retry
    // instead of waiting out the backoff.
    sys.sim.state.grantConsent(tenantId, APP)
    await sleep(
      (DEFAULT_SETTINGS.consentMissingSeconds + DEFAULT_SETTINGS.consentNoRolesSeconds) * 1000 + 100,
    )
    const known = await sys.db.prisma.checkRun.count({ where: { customerId: c.id, kind: 'check' } })
    const queued = await forceRetry(ctx, c.id, STAFF)
    expect(queued.queued).toBe('check')
    const recovered = await nextRun(sys, c.id, known)
    expect(recovered.outcome).toBe('compliant')
    state = await customer(sys, c.id)
    expect(state.complianceState).toBe('compliant')
    expect(state.consecutiveFailures).toBe(0)
    expect(state.backoffUntil).toBeNull()
    expect((await notificationsOf(sys, c.id)).at(-1)).toBe('access_restored')
    expect(await auditActions(sys, c.id)).toEqual(
      expect.arrayContaining(['compliance.access_lost', 'check.force_retry', 'compliance.compliant']),
    )
  })
})

describe('per-tenant serialization', () => {
  it('a check that finds an apply in flight is recorded as skipped and does not race it', async () => {
    const c = await seedOnboardedCustomer(sys, { mode: 'report' })
    const tenantId = c.tenantId ?? ''
    tamper(sys, tenantId, DRIFTS.trust_flag)
    sys.sim.state.faults.add({ kind: 'latency', latencyMs: 400, origin: 'graph', tenantId })
    const redis = createRedis(sys.config.REDIS_URL)
    try {
      const lock = createTenantLock(redis, { prefix: sys.config.QUEUE_PREFIX })
      await requestApply(ctx, c.id, STAFF)
      await waitFor(async () => lock.holderOf(c.id), 'the apply to take the tenant lock')
      const skipped = await checkNow(sys, c.id)
      expect(skipped.outcome).toBe('skipped')
      expect(skipped.errorMessage).toMatch(/apply-/)
      const applied = await nextRun(sys, c.id, 0, 'apply')
      expect(applied.outcome).toBe('remediated') // apply repairs whatever the mode
      expect(obj(readPartner(sys, tenantId) ?? {}, 'inboundTrust').isMfaAccepted).toBe(true)
      // The skipped check made no Graph request: every request of this tenant was the apply's, in sequence.
      expect(skipped.graphRequestId).toBeNull()

      // An apply that finds the tenant busy waits and runs after the holder releases it.
      sys.sim.state.faults.clear(tenantId)
      const held = await lock.withLock(c.id, 'test-holder', async () => {
        await requestApply(ctx, c.id, STAFF)
        await new Promise((r) => setTimeout(r, 800))
        return sys.db.prisma.checkRun.count({ where: { customerId: c.id, kind: 'apply' } })
      })
      expect(held).toEqual({ acquired: true, value: 1 })
      expect((await nextRun(sys, c.id, 1, 'apply')).outcome).toBe('compliant')
    } finally {
      redis.disconnect()
      sys.sim.state.faults.clear(tenantId)
    }
  })
})
