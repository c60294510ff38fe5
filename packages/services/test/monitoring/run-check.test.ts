// runCheck on a real database and the simulator, called directly (no queue, no worker): the main paths of the
// pipeline (claim → read → repair → decide → record → notify) and what each leaves in PostgreSQL.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { runCheck } from '../../src/index.ts'
import {
  APP,
  PARTNER,
  compliantPartner,
  notificationsOf,
  onboardedCustomer,
  readPartner,
  startRunnerFixture,
  tamper,
  type Partner,
  type RunnerFixture,
} from '../support/runners.ts'

let fx: RunnerFixture

beforeAll(async () => {
  fx = await startRunnerFixture()
})
afterAll(async () => {
  await fx.close()
})

const customerRow = (id: string) => fx.db.prisma.customer.findUniqueOrThrow({ where: { id } })
const runRow = (id: string | undefined) =>
  fx.db.prisma.checkRun.findUniqueOrThrow({ where: { id: id ?? '' } })
const mfaOff = (p: Partner) => {
  ;(p.inboundTrust as Record<string, unknown>).isMfaAccepted = false
}

describe('runCheck', () => {
  it('records a compliant check in one run and moves the next check by the interval', async () => {
    const c = await onboardedCustomer(fx, { mode: 'alert' })
    const result = await runCheck(fx.monitoring, { customerId: c.id, kind: 'check', trigger: 'staff' })
    expect(result).toMatchObject({ outcome: 'compliant', complianceState: 'compliant', stateChanged: false })
    const run = await runRow(result.runId)
    expect(run).toMatchObject({ kind: 'check', trigger: 'staff', outcome: 'compliant', errorCode: null })
    const customer = await customerRow(c.id)
    expect(customer.lastCheckRunId).toBe(result.runId)
    expect(customer.consecutiveFailures).toBe(0)
    const hours = ((customer.nextCheckAt?.getTime() ?? 0) - Date.now()) / 3600_000
    expect(hours).toBeGreaterThan(5)
    expect(hours).toBeLessThan(7)
    expect(await notificationsOf(fx, c.id)).toEqual([])
  })

  it('reads the partner entry and the trust inputs in one Graph request (a JSON batch)', async () => {
    const c = await onboardedCustomer(fx, { mode: 'alert' })
    const since = fx.sim.state.requests.lastSeq
    const result = await runCheck(fx.monitoring, { customerId: c.id, kind: 'check', trigger: 'schedule' })
    expect(result.outcome).toBe('compliant')
    const graph = () => fx.sim.state.requests.list({ sinceSeq: since, tenant: c.tenantId, origin: 'graph' })
    // The log records a request once its answer has left: wait for the batch's own entry.
    await vi.waitFor(() => {
      expect(graph().filter((e) => e.batch === null)).toHaveLength(1)
    })
    const [envelope] = graph().filter((e) => e.batch === null)
    expect(envelope).toMatchObject({ method: 'POST', status: 200 })
    expect(envelope?.path).toMatch(/\/v1\.0\/\$batch$/)
    const items = graph().filter((e) => e.batch !== null)
    expect(items.map((e) => e.path.split('?')[0]).sort()).toEqual([
      '/v1.0/identity/conditionalAccess/policies',
      '/v1.0/policies/authorizationPolicy',
      `/v1.0/policies/crossTenantAccessPolicy/partners/${PARTNER}`,
      '/v1.0/subscribedSkus',
    ])
    const trust = await fx.db.prisma.customerTrust.findUniqueOrThrow({ where: { customerId: c.id } })
    expect(trust.verdict).not.toBe('unknown')
  })

  it('repairs drift in remediate mode, re-verifies, and tells drift then repair', async () => {
    const c = await onboardedCustomer(fx, { mode: 'remediate' })
    tamper(fx, c.tenantId, mfaOff)
    const result = await runCheck(fx.monitoring, { customerId: c.id, kind: 'check', trigger: 'schedule' })
    expect(result).toMatchObject({ outcome: 'remediated', complianceState: 'compliant', stateChanged: false })
    expect(readPartner(fx, c.tenantId)).toMatchObject({ inboundTrust: { isMfaAccepted: true } })
    const run = await runRow(result.runId)
    expect(run.before).toMatchObject({ inboundTrust: { isMfaAccepted: false } })
    expect(run.after).toMatchObject({ inboundTrust: { isMfaAccepted: true } })
    expect(await notificationsOf(fx, c.id)).toEqual(['drifted', 'remediated'])
    const audit = await fx.db.prisma.auditEvent.findMany({
      where: { customerId: c.id },
      orderBy: { id: 'asc' },
    })
    expect(audit.map((e) => e.action)).toEqual(['policy.repair_started', 'policy.remediated'])
  })

  it('only reports drift in alert mode: drifted state, the diff kept, one notification', async () => {
    const c = await onboardedCustomer(fx, { mode: 'alert' })
    tamper(fx, c.tenantId, mfaOff)
    const result = await runCheck(fx.monitoring, { customerId: c.id, kind: 'check', trigger: 'schedule' })
    expect(result).toMatchObject({ outcome: 'drifted', complianceState: 'drifted', stateChanged: true })
    expect(readPartner(fx, c.tenantId)).toMatchObject({ inboundTrust: { isMfaAccepted: false } })
    const customer = await customerRow(c.id)
    expect(customer.currentDiff).toMatchObject({
      status: 'drifted',
      fields: [{ path: 'inboundTrust.isMfaAccepted', desired: true, observed: false }],
    })
    expect(await notificationsOf(fx, c.id)).toEqual(['drifted'])
  })

  it('an apply repairs drift whatever the mode and records it as applied', async () => {
    const c = await onboardedCustomer(fx, { mode: 'report' })
    tamper(fx, c.tenantId, null)
    const result = await runCheck(fx.monitoring, { customerId: c.id, kind: 'apply', trigger: 'staff' })
    expect(result).toMatchObject({ outcome: 'remediated', complianceState: 'compliant' })
    expect(readPartner(fx, c.tenantId)).toMatchObject(compliantPartner())
    const audit = await fx.db.prisma.auditEvent.findMany({
      where: { customerId: c.id },
      orderBy: { id: 'asc' },
    })
    expect(audit.map((e) => e.action)).toEqual(['policy.repair_started', 'policy.applied'])
    expect(await notificationsOf(fx, c.id)).toEqual([]) // report mode never notifies
  })

  it('a throttled read is unknown: the last state stays, the customer backs off, nobody is told', async () => {
    const c = await onboardedCustomer(fx, { mode: 'remediate' })
    const fault = fx.sim.state.faults.add({
      kind: 'throttle',
      origin: 'graph',
      tenantId: c.tenantId,
      pathContains: '/partners',
      retryAfterSeconds: 0,
    })
    const result = await runCheck(fx.monitoring, { customerId: c.id, kind: 'check', trigger: 'schedule' })
    fx.sim.state.faults.remove(fault.id)
    expect(result).toMatchObject({ outcome: 'unknown', complianceState: 'compliant', stateChanged: false })
    const run = await runRow(result.runId)
    expect(run.errorCode).toBe('TooManyRequests')
    const customer = await customerRow(c.id)
    expect(customer.consecutiveFailures).toBe(1)
    expect(customer.lastFailureReason).toMatch(/^Could not read the partner entry \(TooManyRequests\)/)
    // base 60 s for the first failure
    expect(customer.backoffUntil?.getTime()).toBe((customer.lastCheckAt?.getTime() ?? 0) + 60_000)
    expect(customer.nextCheckAt).toEqual(customer.backoffUntil)
    expect(await notificationsOf(fx, c.id)).toEqual([])
  })

  it('a 503 whose Retry-After is longer than the backoff holds the next check until it ends (any process)', async () => {
    const c = await onboardedCustomer(fx, { mode: 'alert' })
    const fault = fx.sim.state.faults.add({
      kind: 'error',
      origin: 'graph',
      tenantId: c.tenantId,
      status: 503,
      pathContains: '/partners',
      retryAfterSeconds: 600,
    })
    const result = await runCheck(fx.monitoring, { customerId: c.id, kind: 'check', trigger: 'schedule' })
    fx.sim.state.faults.remove(fault.id)
    expect(result.outcome).toBe('unknown')
    const customer = await customerRow(c.id)
    const waitMs = (customer.backoffUntil?.getTime() ?? 0) - (customer.lastCheckAt?.getTime() ?? 0)
    expect(waitMs).toBeGreaterThanOrEqual(599_000)
    expect(waitMs).toBeLessThanOrEqual(600_000)
  })

  it('revoked permissions are access lost, told once', async () => {
    const c = await onboardedCustomer(fx, { mode: 'alert' })
    fx.sim.state.removeRoles(c.tenantId, APP)
    fx.tokens.invalidate(c.tenantId)
    const result = await runCheck(fx.monitoring, { customerId: c.id, kind: 'check', trigger: 'schedule' })
    expect(result).toMatchObject({
      outcome: 'access_lost',
      complianceState: 'access_lost',
      stateChanged: true,
    })
    const customer = await customerRow(c.id)
    expect(customer.lastFailureReason).toMatch(/admin consent was revoked or its permissions removed/)
    expect(customer.currentDiff).toEqual({
      status: 'access_lost',
      removalKind: 'consent_revoked',
      fields: [],
    })
    const again = await runCheck(fx.monitoring, { customerId: c.id, kind: 'check', trigger: 'schedule' })
    expect(again).toMatchObject({ outcome: 'access_lost', stateChanged: false })
    expect((await customerRow(c.id)).consecutiveFailures).toBe(2)
    expect(await notificationsOf(fx, c.id)).toEqual(['access_lost'])
  })

  it('does nothing for a late duplicate of a scheduled check or a customer not onboarded', async () => {
    const c = await onboardedCustomer(fx, { mode: 'alert' })
    const stale = new Date(Date.now() - 3600_000)
    await expect(
      runCheck(fx.monitoring, { customerId: c.id, kind: 'check', trigger: 'schedule', dueAt: stale }),
    ).resolves.toEqual({ outcome: 'not_applicable' })
    const pending = await fx.db.prisma.customer.create({ data: { name: 'Not onboarded' } })
    await expect(
      runCheck(fx.monitoring, { customerId: pending.id, kind: 'check', trigger: 'staff' }),
    ).resolves.toEqual({ outcome: 'not_applicable' })
    expect(await fx.db.prisma.checkRun.count({ where: { customerId: { in: [c.id, pending.id] } } })).toBe(0)
  })
})
