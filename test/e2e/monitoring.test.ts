// Compliance monitoring through the real worker, BullMQ, Postgres, MSAL, the
// Graph client and the simulator: classification, modes, accepted deviations, unknown vs drift, access lost
// and recovery, failure backoff, lock contention, staff actions and offboarding.
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_SETTINGS } from '@crosstrust/ms-sim'
import { ConflictError, ValidationError } from '@crosstrust/core'
import { createRedis } from '@crosstrust/jobs'
import {
  acceptDeviation,
  changeCheckInterval,
  changeMode,
  forceRetry,
  requestApply,
  requestOffboard,
  requestRecheck,
  revokeDeviation,
  type ServiceContext,
} from '@crosstrust/services'
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
  runsOf,
  seedOnboardedCustomer,
  tamper,
  type Partner,
} from '../support/monitoring.ts'
import { startSystem, waitFor, type System } from '../support/system.ts'

let sys: System
let ctx: ServiceContext

beforeAll(async () => {
  sys = await startSystem({
    monitoring: {
      readBack: { attempts: 10, delayMs: 300 },
      // Fail a 503/timeout read fast: the point is the classification, not the retry budget.
      graphRetry: { maxAttempts: 2, baseDelayMs: 20, maxDelayMs: 50, budgetMs: 2_000, timeoutMs: 700 },
      busyRetryMs: 300,
    },
  })
  ctx = { db: sys.db.prisma, now: () => new Date(), enqueue: (k, p) => sys.queues.enqueue(k, p) }
})
afterAll(async () => {
  await sys.stop()
})

const obj = (p: Partner, key: string) => p[key] as Record<string, unknown>

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

type DriftKind = 'trust_flag' | 'blocked_access' | 'outbound_added' | 'entry_deleted'
const DRIFTS: Record<DriftKind, ((p: Partner) => void) | null> = {
  trust_flag: (p) => {
    obj(p, 'inboundTrust').isMfaAccepted = false
  },
  blocked_access: (p) => {
    const inbound = obj(p, 'b2bCollaborationInbound')
    obj(inbound, 'usersAndGroups').accessType = 'blocked'
    obj(inbound, 'applications').accessType = 'blocked'
  },
  outbound_added: (p) => {
    p.b2bCollaborationOutbound = {
      usersAndGroups: { accessType: 'allowed', targets: [{ target: 'AllUsers', targetType: 'user' }] },
      applications: {
        accessType: 'allowed',
        targets: [{ target: 'AllApplications', targetType: 'application' }],
      },
    }
  },
  entry_deleted: null,
}

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
      await waitFor(
        async () => (await redis.get(lock.key(c.id))) ?? null,
        'the apply to take the tenant lock',
      )
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
