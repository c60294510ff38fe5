// A changed default cross-tenant policy as services, on a real database and the simulator: a check that reads
// the default (the partner entry inherits it) stores its fingerprint, the first time without calling it a
// change; a later change is recorded on the run, attributed to the default-policy activities with the same
// delayed lookups as a drift, and told only where a notification went out. Batches store the fingerprint in
// bulk and send a change the per-customer way.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MonitoringDeps } from '../../src/index.ts'
import {
  createCheckLimiter,
  lookUpDriftAttribution,
  runCheck,
  runCheckBatch,
  setAttributionEnabled,
  SYSTEM_ACTOR,
} from '../../src/index.ts'
import { decodeDefaultPolicyReading } from '@crosstrust/core'
import { APP, onboardedCustomer, startRunnerFixture, tamper, type RunnerFixture } from '../support/runners.ts'

let fx: RunnerFixture
let deps: MonitoringDeps

beforeAll(async () => {
  fx = await startRunnerFixture()
  deps = { ...fx.monitoring, settings: { ...fx.monitoring.settings, attributionRetryDelaysSeconds: [0, 0] } }
})
afterAll(async () => {
  await fx.close()
})

/** An attributed customer whose partner entry leaves inbound trust (or, if told, inbound B2B) to the default. */
async function inheritingCustomer(
  auditDelaySeconds: number,
  member: 'inboundTrust' | 'b2b' = 'inboundTrust',
) {
  const c = await onboardedCustomer(fx, { mode: 'alert' })
  const app = fx.sim.state.getApp(APP)
  fx.sim.state.grantConsent(c.tenantId, APP, {
    roles: [...(app?.requiredGraphRoles ?? []), 'AuditLog.Read.All', 'Directory.Read.All'],
    ageSeconds: 86_400,
  })
  fx.sim.state.requireTenant(c.tenantId).settings.auditIngestionDelaySeconds = auditDelaySeconds
  await setAttributionEnabled(fx.ctx, c.id, true, SYSTEM_ACTOR)
  tamper(fx, c.tenantId, (p) => {
    if (member === 'inboundTrust') p.inboundTrust = null
    else p.b2bCollaborationInbound = null
  })
  return c
}

const check = (customerId: string) => runCheck(deps, { customerId, kind: 'check', trigger: 'staff' })
const readingOf = async (id: string) =>
  decodeDefaultPolicyReading((await customerRow(id)).defaultPolicyFingerprint ?? '')
const customerRow = (id: string) => fx.db.prisma.customer.findUniqueOrThrow({ where: { id } })
const attributionOf = (checkRunId: string | undefined) =>
  fx.db.prisma.driftAttribution.findUnique({ where: { checkRunId: checkRunId ?? '' } })
const actionsOf = async (customerId: string) =>
  (await fx.db.prisma.auditEvent.findMany({ where: { customerId }, orderBy: { id: 'asc' } })).map(
    (e) => e.action,
  )

/** The customer's administrator turns on MFA trust in the default settings (audited as that user). */
async function adminTrustsMfaByDefault(tenantId: string): Promise<void> {
  const res = await fetch(`${fx.sim.graphUrl}/_sim/tenants/${tenantId}/default-policy`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      inboundTrust: {
        isMfaAccepted: true,
        isCompliantDeviceAccepted: false,
        isHybridAzureADJoinedDeviceAccepted: false,
      },
    }),
  })
  expect(res.status).toBe(200)
}

describe('a changed default policy', () => {
  it('is not a change the first time, then is recorded and its lookup scheduled like a drift', async () => {
    const c = await inheritingCustomer(3600) // the audit entry arrives long after the check
    const drift = await check(c.id)
    expect(drift.outcome).toBe('drifted')
    expect((await attributionOf(drift.runId))?.subject).toBe('partner_entry')
    const first = await customerRow(c.id)
    expect(decodeDefaultPolicyReading(first.defaultPolicyFingerprint ?? '')?.inherited).toEqual([
      'inboundTrust',
    ])
    expect(first.defaultPolicySeenAt).not.toBeNull()

    const same = await check(c.id)
    expect(await attributionOf(same.runId)).toBeNull()
    expect(await actionsOf(c.id)).not.toContain('default_policy.changed')

    await adminTrustsMfaByDefault(c.tenantId)
    fx.enqueued.length = 0
    const changed = await check(c.id)
    const runId = changed.runId ?? ''
    expect(changed).toMatchObject({ outcome: 'drifted', stateChanged: false })
    const row = await attributionOf(runId)
    expect(row).toMatchObject({ subject: 'default_policy', status: 'pending', attempts: 1 })
    // The window starts at the last check that read the old default (minus the clock margin).
    const seenAt = (await customerRow(c.id)).defaultPolicySeenAt
    expect(row?.windowStart.getTime()).toBeLessThan(seenAt?.getTime() ?? 0)
    expect(fx.enqueued).toContainEqual({ kind: 'attribute-drift', payload: { checkRunId: runId, lookup: 2 } })
    expect(await actionsOf(c.id)).toContain('default_policy.changed')
    const after = await customerRow(c.id)
    expect(after.defaultPolicyFingerprint).not.toBe(first.defaultPolicyFingerprint)
    // The customer's change is theirs: no check wrote the default back (only reads reached it).
    const defaultCalls = fx.sim.state.requests
      .list({ tenant: c.tenantId, origin: 'graph' })
      .filter((e) => e.path.includes('/crossTenantAccessPolicy/default'))
    expect(defaultCalls.length).toBeGreaterThan(0)
    expect(defaultCalls.every((e) => e.method === 'GET')).toBe(true)

    // Without a Conditional Access policy for guests the verdict did not change: nothing was notified, so a
    // later finding is recorded without a follow-up notification.
    expect(row?.followUp).toBe(false)
    fx.sim.state.requireTenant(c.tenantId).settings.auditIngestionDelaySeconds = 0
    for (const audit of fx.sim.state.requireTenant(c.tenantId).graph.directoryAudits) audit.visibleAtMs = 0
    expect(await lookUpDriftAttribution(deps, { checkRunId: runId, lookup: 2 })).toEqual({ status: 'found' })
    const found = await attributionOf(runId)
    const entries = found?.entries as { activity: string; ours: boolean }[]
    expect(entries.map((e) => [e.activity, e.ours])).toEqual([
      ['Update the company default cross-tenant access setting', false],
    ])
    const events = await fx.db.prisma.notificationEvent.findMany({ where: { customerId: c.id } })
    expect(events.map((e) => e.eventType)).toEqual(['drifted'])
  })

  it('is not read, and keeps its fingerprint, while the entry overrides the default', async () => {
    const c = await onboardedCustomer(fx, { mode: 'alert' })
    expect((await check(c.id)).outcome).toBe('compliant')
    const row = await customerRow(c.id)
    expect(row.defaultPolicyFingerprint).toBeNull()
    const reads = fx.sim.state.requests
      .list({ tenant: c.tenantId, origin: 'graph' })
      .filter((e) => e.path.endsWith('/crossTenantAccessPolicy/default'))
    expect(reads).toEqual([])
  })

  it('is not a change where the entry overrides the member that changed', async () => {
    // The entry sets its own inbound trust and inherits B2B collaboration from the default.
    const c = await inheritingCustomer(0, 'b2b')
    expect((await check(c.id)).outcome).toBe('drifted')
    const first = await readingOf(c.id)
    expect(first?.inherited).toEqual(['b2bCollaborationInbound'])

    await adminTrustsMfaByDefault(c.tenantId)
    const after = await check(c.id)
    expect(await attributionOf(after.runId)).toBeNull()
    expect(await actionsOf(c.id)).not.toContain('default_policy.changed')
    // Stored all the same: the entry may inherit inbound trust later, from this value on.
    const stored = await readingOf(c.id)
    expect(stored?.fingerprints.inboundTrust).not.toBe(first?.fingerprints.inboundTrust)
    expect(stored?.fingerprints.b2bCollaborationInbound).toBe(first?.fingerprints.b2bCollaborationInbound)
  })

  it('is not a change where the entry moved from overriding the member to inheriting it', async () => {
    const c = await inheritingCustomer(0, 'b2b')
    expect((await check(c.id)).outcome).toBe('drifted')
    // Between two checks the default trusts MFA and the entry drops its own inbound trust.
    await adminTrustsMfaByDefault(c.tenantId)
    tamper(fx, c.tenantId, (p) => {
      p.inboundTrust = null
    })
    const moved = await check(c.id)
    expect(moved.outcome).toBe('drifted')
    expect(await attributionOf(moved.runId)).toBeNull()
    expect(await actionsOf(c.id)).not.toContain('default_policy.changed')
    expect((await readingOf(c.id))?.inherited).toEqual(['b2bCollaborationInbound', 'inboundTrust'])
  })

  it('batches store the fingerprint in bulk and write a change the per-customer way', async () => {
    const c = await inheritingCustomer(0)
    expect((await check(c.id)).outcome).toBe('drifted')
    const due = async () => {
      const dueAt = new Date(Date.now() - 60_000)
      await fx.db.prisma.customer.update({ where: { id: c.id }, data: { nextCheckAt: dueAt } })
      return [{ customerId: c.id, dueAt }]
    }
    const limit = createCheckLimiter(2)
    const before = await customerRow(c.id)
    expect(await runCheckBatch(deps, await due(), limit)).toMatchObject({ routine: 1, eventful: 0 })
    const routine = await customerRow(c.id)
    expect(routine.defaultPolicyFingerprint).toBe(before.defaultPolicyFingerprint)
    expect(routine.defaultPolicySeenAt?.getTime()).toBeGreaterThan(before.defaultPolicySeenAt?.getTime() ?? 0)

    await adminTrustsMfaByDefault(c.tenantId)
    expect(await runCheckBatch(deps, await due(), limit)).toMatchObject({ routine: 0, eventful: 1 })
    const run = await fx.db.prisma.checkRun.findFirstOrThrow({
      where: { customerId: c.id },
      orderBy: { startedAt: 'desc' },
    })
    expect(await attributionOf(run.id)).toMatchObject({ subject: 'default_policy', status: 'found' })
    expect((await customerRow(c.id)).defaultPolicyFingerprint).not.toBe(before.defaultPolicyFingerprint)
  })
})
