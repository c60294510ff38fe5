// Drift attribution as services, on a real database and the simulator: the first lookup with the check, our
// own writes told apart from the customer's, later lookups until found or given up, a duplicate or late job
// doing nothing, and attribution switched off meanwhile.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MonitoringDeps } from '../../src/index.ts'
import {
  lookUpDriftAttribution,
  requeueOverdueAttributions,
  runCheck,
  setAttributionEnabled,
  SYSTEM_ACTOR,
} from '../../src/index.ts'
import {
  APP,
  PARTNER,
  compliantPartner,
  onboardedCustomer,
  startRunnerFixture,
  tamper,
  type RunnerFixture,
} from '../support/runners.ts'

let fx: RunnerFixture
let deps: MonitoringDeps

beforeAll(async () => {
  fx = await startRunnerFixture()
  // Later lookups at once: the test calls them itself.
  deps = { ...fx.monitoring, settings: { ...fx.monitoring.settings, attributionRetryDelaysSeconds: [0, 0] } }
})
afterAll(async () => {
  await fx.close()
})

/** An onboarded customer with attribution on and the audit-log consent; audit entries visible at once. */
async function attributedCustomer(mode: 'alert' | 'report' = 'alert') {
  const c = await onboardedCustomer(fx, { mode })
  const app = fx.sim.state.getApp(APP)
  fx.sim.state.grantConsent(c.tenantId, APP, {
    roles: [...(app?.requiredGraphRoles ?? []), 'AuditLog.Read.All', 'Directory.Read.All'],
    ageSeconds: 86_400,
  })
  fx.sim.state.requireTenant(c.tenantId).settings.auditIngestionDelaySeconds = 0
  await setAttributionEnabled(fx.ctx, c.id, true, SYSTEM_ACTOR)
  return c
}

const check = (customerId: string) => runCheck(deps, { customerId, kind: 'check', trigger: 'staff' })
const attribution = (checkRunId: string | undefined) =>
  fx.db.prisma.driftAttribution.findUniqueOrThrow({ where: { checkRunId: checkRunId ?? '' } })

describe('drift attribution', () => {
  it('tells our own write from the customer administrator who made the drift', async () => {
    const c = await attributedCustomer()
    expect((await check(c.id)).outcome).toBe('compliant')
    // Our app writes the entry (as a repair would) …
    await fx.graph.updatePartner(c.tenantId, PARTNER, { inboundTrust: compliantPartner().inboundTrust })
    // … then the customer's administrator turns MFA trust off in the portal.
    const user = fx.sim.state.addUser(c.tenantId, {
      displayName: 'Anna Admin',
      userPrincipalName: `anna@${c.tenantId.slice(0, 8)}.example`,
    })
    const entry = compliantPartner() as { inboundTrust: Record<string, unknown> }
    const res = await fetch(
      `${fx.sim.graphUrl}/_sim/tenants/${c.tenantId}/partners/${PARTNER}?actor=${user.userPrincipalName}`,
      {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...entry, inboundTrust: { ...entry.inboundTrust, isMfaAccepted: false } }),
      },
    )
    expect(res.status).toBe(200)

    const result = await check(c.id)
    expect(result.outcome).toBe('drifted')
    const row = await attribution(result.runId)
    expect(row.status).toBe('found')
    const entries = row.entries as { ours: boolean; actor: { type: string; appId?: string } }[]
    expect(entries.map((e) => [e.ours, e.actor.type])).toEqual([
      [true, 'app'],
      [false, 'user'],
    ])
    expect(entries[0]?.actor.appId?.toLowerCase()).toBe(APP.toLowerCase())
    // The drift notification names the administrator, not us.
    const event = await fx.db.prisma.notificationEvent.findFirstOrThrow({
      where: { customerId: c.id, eventType: 'drifted' },
    })
    const sentences = (event.payload as { attribution: { sentences: string[] } }).attribution.sentences
    expect(sentences).toHaveLength(1)
    expect(sentences[0]).toMatch(/^Inbound trust for MFA was turned off by anna@/)
  })

  it('looks again later, gives up after the last lookup, and ignores a duplicate job', async () => {
    const c = await attributedCustomer()
    // A change that left no audit entry in the window (as if it had not arrived yet).
    tamper(fx, c.tenantId, (p) => {
      ;(p.inboundTrust as Record<string, unknown>).isCompliantDeviceAccepted = false
    })
    fx.enqueued.length = 0
    const result = await check(c.id)
    expect(result.outcome).toBe('drifted')
    const runId = result.runId ?? ''
    expect((await attribution(runId)).status).toBe('pending')
    expect(fx.enqueued).toContainEqual({ kind: 'attribute-drift', payload: { checkRunId: runId, lookup: 2 } })

    expect(await lookUpDriftAttribution(deps, { checkRunId: runId, lookup: 2 })).toEqual({
      status: 'pending',
    })
    expect(await lookUpDriftAttribution(deps, { checkRunId: runId, lookup: 3 })).toEqual({
      status: 'not_found',
    })
    expect(await lookUpDriftAttribution(deps, { checkRunId: runId, lookup: 3 })).toEqual({
      status: 'skipped',
    })
    const row = await attribution(runId)
    expect(row).toMatchObject({ status: 'not_found', attempts: 3, nextLookupAt: null })
    const actions = await fx.db.prisma.auditEvent.findMany({
      where: { customerId: c.id },
      select: { action: true },
    })
    expect(actions.map((a) => a.action)).toContain('attribution.not_found')
    const types = await fx.db.prisma.notificationEvent.findMany({ where: { customerId: c.id } })
    expect(types.map((t) => t.eventType)).toEqual(['drifted']) // nothing found: no follow-up
  })

  it('stops looking when staff switch attribution off meanwhile', async () => {
    const c = await attributedCustomer()
    tamper(fx, c.tenantId, null)
    const result = await check(c.id)
    expect(result.outcome).toBe('removed')
    expect((await attribution(result.runId)).status).toBe('pending')
    await setAttributionEnabled(fx.ctx, c.id, false, SYSTEM_ACTOR)
    expect(await lookUpDriftAttribution(deps, { checkRunId: result.runId ?? '', lookup: 2 })).toEqual({
      status: 'not_enabled',
    })
  })

  it('re-enqueues a pending lookup whose job was lost, once it is overdue', async () => {
    const c = await attributedCustomer()
    tamper(fx, c.tenantId, (p) => {
      ;(p.inboundTrust as Record<string, unknown>).isMfaAccepted = false
    })
    const result = await check(c.id)
    const runId = result.runId ?? ''
    const overdue = new Date(Date.now() - 10 * 60_000)
    await fx.db.prisma.driftAttribution.update({
      where: { checkRunId: runId },
      data: { nextLookupAt: overdue },
    })
    fx.enqueued.length = 0
    expect(await requeueOverdueAttributions(fx.ctx)).toBeGreaterThanOrEqual(1)
    expect(fx.enqueued).toContainEqual({ kind: 'attribute-drift', payload: { checkRunId: runId, lookup: 2 } })
  })
})
