// runCheckBatch on a real database and the simulator, called directly: a batch claims its due checks in one
// statement, writes routine results in one, and sends eventful ones (state change, repair, changed trust
// verdict) the per-customer way with their audit events and notifications. Its results equal runCheck's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCheckLimiter, runCheck, runCheckBatch } from '../../src/index.ts'
import {
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

const limit = createCheckLimiter(4)
const mfaOff = (p: Partner) => {
  ;(p.inboundTrust as Record<string, unknown>).isMfaAccepted = false
}

/** A customer due a minute ago (the sweep would lease it with this due time). */
async function dueCustomer(mode: 'report' | 'alert' | 'remediate') {
  const c = await onboardedCustomer(fx, { mode })
  const dueAt = new Date(Date.now() - 60_000)
  await fx.db.prisma.customer.update({ where: { id: c.id }, data: { nextCheckAt: dueAt } })
  return { ...c, dueAt }
}

const due = (c: { id: string; dueAt: Date }) => ({ customerId: c.id, dueAt: c.dueAt })
const runsOf = (customerId: string) =>
  fx.db.prisma.checkRun.findMany({ where: { customerId }, orderBy: { startedAt: 'asc' } })
const auditOf = async (customerId: string) =>
  (await fx.db.prisma.auditEvent.findMany({ where: { customerId }, orderBy: { id: 'asc' } })).map(
    (e) => e.action,
  )

describe('runCheckBatch', () => {
  it('writes routine checks in bulk, exactly as runCheck writes one', async () => {
    const batch = await Promise.all([1, 2, 3, 4].map(() => dueCustomer('alert')))
    const single = await dueCustomer('alert')

    const result = await runCheckBatch(fx.monitoring, batch.map(due), limit)
    expect(result).toEqual({ given: 4, checked: 4, routine: 4, eventful: 0, failed: 0 })
    const alone = await runCheck(fx.monitoring, {
      customerId: single.id,
      kind: 'check',
      trigger: 'schedule',
      dueAt: single.dueAt,
    })
    expect(alone.outcome).toBe('compliant')

    const [reference] = await runsOf(single.id)
    const referenceCustomer = await fx.db.prisma.customer.findUniqueOrThrow({ where: { id: single.id } })
    const referenceTrust = await fx.db.prisma.customerTrust.findUniqueOrThrow({
      where: { customerId: single.id },
    })
    const same = <T extends object>(row: T, keys: (keyof T)[]) =>
      Object.fromEntries(keys.map((k) => [k, row[k]]))
    const runFields = [
      'kind',
      'trigger',
      'outcome',
      'policyVersion',
      'diff',
      'observedHash',
      'errorCode',
    ] as const
    const customerFields = [
      'complianceState',
      'consecutiveFailures',
      'backoffUntil',
      'lastFailureReason',
      'compliantPolicyVersion',
      'currentDiff',
      'lastObservedHash',
      'lastObservedSnapshot',
    ] as const
    for (const c of batch) {
      const runs = await runsOf(c.id)
      expect(runs).toHaveLength(1)
      const run = runs[0]
      if (!run || !reference) throw new Error('no run')
      expect(same(run, [...runFields])).toEqual(same(reference, [...runFields]))
      const customer = await fx.db.prisma.customer.findUniqueOrThrow({ where: { id: c.id } })
      expect(same(customer, [...customerFields])).toEqual(same(referenceCustomer, [...customerFields]))
      expect(customer.lastCheckRunId).toBe(run.id)
      const hours = ((customer.nextCheckAt?.getTime() ?? 0) - Date.now()) / 3600_000
      expect(hours).toBeGreaterThan(5)
      expect(hours).toBeLessThan(7)
      const trust = await fx.db.prisma.customerTrust.findUniqueOrThrow({ where: { customerId: c.id } })
      expect(
        same(trust, ['verdict', 'reason', 'fix', 'findings', 'missingPermissions', 'changeCount']),
      ).toEqual(
        same(referenceTrust, ['verdict', 'reason', 'fix', 'findings', 'missingPermissions', 'changeCount']),
      )
      expect(await notificationsOf(fx, c.id)).toEqual([])
    }
  })

  it('claims only what is still due: a second run of the same batch does nothing', async () => {
    const batch = await Promise.all([1, 2].map(() => dueCustomer('alert')))
    expect(await runCheckBatch(fx.monitoring, batch.map(due), limit)).toMatchObject({ checked: 2 })
    expect(await runCheckBatch(fx.monitoring, batch.map(due), limit)).toEqual({
      given: 2,
      checked: 0,
      routine: 0,
      eventful: 0,
      failed: 0,
    })
    for (const c of batch) expect(await runsOf(c.id)).toHaveLength(1)
  })

  it('skips customers checked since or no longer onboarded', async () => {
    const moved = await dueCustomer('alert')
    const gone = await dueCustomer('alert')
    await fx.db.prisma.customer.update({
      where: { id: moved.id },
      data: { nextCheckAt: new Date(Date.now() + 3600_000) },
    })
    await fx.db.prisma.customer.update({ where: { id: gone.id }, data: { onboardingState: 'offboarding' } })
    expect(await runCheckBatch(fx.monitoring, [due(moved), due(gone)], limit)).toMatchObject({
      given: 2,
      checked: 0,
    })
    expect(await runsOf(moved.id)).toEqual([])
    expect(await runsOf(gone.id)).toEqual([])
  })

  it('sends drift and repairs the per-customer way, with a write-ahead audit event before the repair', async () => {
    const quiet = await dueCustomer('alert')
    const drifted = await dueCustomer('alert')
    const repaired = await dueCustomer('remediate')
    tamper(fx, drifted.tenantId, mfaOff)
    tamper(fx, repaired.tenantId, mfaOff)

    const result = await runCheckBatch(fx.monitoring, [quiet, drifted, repaired].map(due), limit)
    expect(result).toEqual({ given: 3, checked: 3, routine: 1, eventful: 2, failed: 0 })

    expect((await runsOf(drifted.id)).map((r) => r.outcome)).toEqual(['drifted'])
    expect(await notificationsOf(fx, drifted.id)).toEqual(['drifted'])
    expect(await auditOf(drifted.id)).toEqual(['compliance.drifted'])

    expect((await runsOf(repaired.id)).map((r) => r.outcome)).toEqual(['remediated'])
    expect(readPartner(fx, repaired.tenantId)).toMatchObject({ inboundTrust: { isMfaAccepted: true } })
    expect(await notificationsOf(fx, repaired.id)).toEqual(['drifted', 'remediated'])
    expect(await auditOf(repaired.id)).toEqual(['policy.repair_started', 'policy.remediated'])
    const [intent] = await fx.db.prisma.auditEvent.findMany({
      where: { customerId: repaired.id, action: 'policy.repair_started' },
    })
    expect(intent?.after).toEqual({
      method: 'PATCH',
      policyVersion: 1,
      fields: ['inboundTrust.isMfaAccepted'],
    })
  })

  it('stores a changed trust verdict the per-customer way and notifies it once', async () => {
    const c = await dueCustomer('alert')
    await fx.db.prisma.customerTrust.create({
      data: {
        customerId: c.id,
        verdict: 'blocked',
        reason: 'An earlier verdict.',
        evaluatedAt: new Date(Date.now() - 3600_000),
        changedAt: new Date(Date.now() - 3600_000),
      },
    })
    expect(await runCheckBatch(fx.monitoring, [due(c)], limit)).toMatchObject({ routine: 0, eventful: 1 })
    const trust = await fx.db.prisma.customerTrust.findUniqueOrThrow({ where: { customerId: c.id } })
    expect(trust.verdict).not.toBe('blocked')
    expect(trust.changeCount).toBe(1)
    expect(await notificationsOf(fx, c.id)).toEqual(['trust_changed'])
  })
})
