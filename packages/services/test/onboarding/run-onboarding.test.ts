// runOnboarding on a real database and the simulator, called directly (no queue, no worker): the main paths
// of the pipeline (access → prerequisites → apply → verify) and what each leaves in PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { OnboardingFailureNotRecorded, OnboardingRetryLater, runOnboarding } from '../../src/index.ts'
import {
  APP,
  addTenant,
  compliantPartner,
  consentedCustomer,
  notificationsOf,
  readPartner,
  startRunnerFixture,
  type RunnerFixture,
} from '../support/runners.ts'

let fx: RunnerFixture

beforeAll(async () => {
  fx = await startRunnerFixture()
})
afterAll(async () => {
  await fx.close()
})

async function stepsOf(customerId: string): Promise<Record<string, string>> {
  const rows = await fx.db.prisma.onboardingStep.findMany({ where: { customerId } })
  return Object.fromEntries(rows.map((row) => [row.step, row.status]))
}

/**
 * The fixture's onboarding deps with a database that goes down the moment a Graph call fails: the step's
 * failure then cannot be recorded (a dropped connection, as PostgreSQL restarting would give).
 */
function dbDownOnGraphFailure(attempt: { current: number; max: number }) {
  let down = false
  const db = new Proxy(fx.db.prisma, {
    get(target, prop, receiver) {
      if (down) throw new Error("Can't reach database server at 127.0.0.1:5432")
      return Reflect.get(target, prop, receiver) as unknown
    },
  })
  const graph = new Proxy(fx.onboarding.graph, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown
      if (typeof value !== 'function') return value
      return (...args: unknown[]) =>
        (value as (...a: unknown[]) => Promise<unknown>).apply(target, args).catch((err: unknown) => {
          down = true
          throw err
        })
    },
  })
  return { ...fx.onboarding, ctx: { ...fx.onboarding.ctx, db }, graph, attempt }
}

const customerRow = (id: string) => fx.db.prisma.customer.findUniqueOrThrow({ where: { id } })

describe('runOnboarding', () => {
  it('starts each step in the transaction that records the previous one’s success, and runs each once', async () => {
    const tenantId = addTenant(fx)
    const customerId = await consentedCustomer(fx, tenantId, true)
    await expect(runOnboarding(fx.onboarding, customerId)).resolves.toBe('onboarded')
    const rows = await fx.db.prisma.onboardingStep.findMany({ where: { customerId } })
    const step = (name: string) => {
      const row = rows.find((r) => r.step === name)
      if (row?.startedAt == null || row.finishedAt == null) throw new Error(`${name} did not run`)
      return row
    }
    const handOvers: [string, string][] = [
      ['access_verified', 'prerequisites_checked'],
      ['tenant_confirmed', 'policy_applied'],
      ['policy_applied', 'verified'],
    ]
    for (const [done, next] of handOvers)
      expect(step(next).startedAt, `${next} starts as ${done} succeeds`).toEqual(step(done).finishedAt)
    expect(step('tenant_confirmed').finishedAt).toEqual(step('prerequisites_checked').finishedAt)
    for (const name of ['access_verified', 'prerequisites_checked', 'policy_applied', 'verified'])
      expect(step(name).attempts, name).toBe(1)
  })

  it('costs one transaction per step: a step started by the one before is not started again', async () => {
    const tenantId = addTenant(fx)
    const customerId = await consentedCustomer(fx, tenantId, true)
    let transactions = 0
    const db = new Proxy(fx.db.prisma, {
      get(target, prop, receiver) {
        if (prop === '$transaction') transactions += 1
        return Reflect.get(target, prop, receiver) as unknown
      },
    })
    const deps = { ...fx.onboarding, ctx: { ...fx.onboarding.ctx, db } }
    await expect(runOnboarding(deps, customerId)).resolves.toBe('onboarded')
    // access_verified started, then succeeded with prerequisites_checked started; prerequisites with the
    // tenant confirmed and policy_applied started; policy_applied with verified started; verified with the
    // run recorded; the first effective-trust verdict.
    expect(transactions).toBe(6)
  })

  it('onboards an expected tenant: creates the entry, records the run like a check, schedules the first check', async () => {
    const tenantId = addTenant(fx)
    const customerId = await consentedCustomer(fx, tenantId, true)
    await expect(runOnboarding(fx.onboarding, customerId)).resolves.toBe('onboarded')

    expect(readPartner(fx, tenantId)).toMatchObject(compliantPartner())
    expect(await stepsOf(customerId)).toEqual({
      link_issued: 'succeeded',
      consent_received: 'succeeded',
      access_verified: 'succeeded',
      prerequisites_checked: 'succeeded',
      tenant_confirmed: 'succeeded',
      policy_applied: 'succeeded',
      verified: 'succeeded',
    })
    const runs = await fx.db.prisma.checkRun.findMany({ where: { customerId } })
    expect(runs).toHaveLength(1)
    const [run] = runs
    expect(run).toMatchObject({
      kind: 'onboard',
      trigger: 'onboarding',
      outcome: 'compliant',
      policyVersion: 1,
    })
    expect(run?.before).toBeNull()
    expect(run?.after).toMatchObject(compliantPartner())
    const customer = await customerRow(customerId)
    expect(customer).toMatchObject({
      tenantId,
      onboardingState: 'onboarded',
      complianceState: 'compliant',
      compliantPolicyVersion: 1,
      lastCheckRunId: run?.id,
      lastObservedHash: run?.observedHash,
      consecutiveFailures: 0,
      lastFailureReason: null,
    })
    const hoursToFirstCheck = ((customer.nextCheckAt?.getTime() ?? 0) - Date.now()) / 3600_000
    expect(hoursToFirstCheck).toBeGreaterThan(5)
    expect(hoursToFirstCheck).toBeLessThan(7)
    expect(await notificationsOf(fx, customerId)).toEqual(['onboarding_completed'])
    // The first effective-trust verdict is stored by onboarding itself, not a change (nothing counted).
    const trust = await fx.db.prisma.customerTrust.findUnique({ where: { customerId } })
    expect(trust).toMatchObject({ changeCount: 0 })
    expect(trust?.verdict).toBeDefined()
  })

  it('patches an entry the tenant already has and keeps it as the run’s before', async () => {
    const existing = compliantPartner()
    ;(existing.inboundTrust as Record<string, unknown>).isMfaAccepted = false
    const tenantId = addTenant(fx, existing)
    const customerId = await consentedCustomer(fx, tenantId, true)
    await expect(runOnboarding(fx.onboarding, customerId)).resolves.toBe('onboarded')
    const run = await fx.db.prisma.checkRun.findFirstOrThrow({ where: { customerId } })
    expect(run.before).toMatchObject({ inboundTrust: { isMfaAccepted: false } })
    expect(readPartner(fx, tenantId)).toMatchObject({ inboundTrust: { isMfaAccepted: true } })
  })

  it('stops before writing to a first-time tenant until an Operator confirms it', async () => {
    const tenantId = addTenant(fx)
    const customerId = await consentedCustomer(fx, tenantId, false)
    await expect(runOnboarding(fx.onboarding, customerId)).resolves.toBe('awaiting_confirmation')
    expect(readPartner(fx, tenantId)).toBeNull()
    const customer = await customerRow(customerId)
    expect(customer.onboardingState).toBe('awaiting_confirmation')
    expect(customer.tenantId).toBeNull()
    expect(await stepsOf(customerId)).toMatchObject({
      prerequisites_checked: 'succeeded',
      tenant_confirmed: 'pending',
      policy_applied: 'pending',
    })
    expect(await fx.db.prisma.checkRun.count({ where: { customerId } })).toBe(0)

    await fx.db.prisma.customer.update({
      where: { id: customerId },
      data: { confirmedTenantId: tenantId, tenantConfirmedBy: 'oid-operator' },
    })
    await expect(runOnboarding(fx.onboarding, customerId)).resolves.toBe('onboarded')
    const step = await fx.db.prisma.onboardingStep.findUniqueOrThrow({
      where: { customerId_step: { customerId, step: 'tenant_confirmed' } },
    })
    expect(step.message).toBe('An Operator (oid-operator) confirmed the tenant.')
    expect((await customerRow(customerId)).tenantId).toBe(tenantId)
  })

  it('a throttled step with attempts left goes back to pending and asks the queue to retry', async () => {
    const tenantId = addTenant(fx)
    const customerId = await consentedCustomer(fx, tenantId, true)
    const fault = fx.sim.state.faults.add({
      kind: 'throttle',
      origin: 'graph',
      tenantId,
      pathContains: '/subscribedskus',
      retryAfterSeconds: 0,
    })
    const attempt = runOnboarding({ ...fx.onboarding, attempt: { current: 1, max: 3 } }, customerId)
    await expect(attempt).rejects.toBeInstanceOf(OnboardingRetryLater)
    await expect(attempt).rejects.toMatchObject({
      message: 'Microsoft is busy or unavailable (HTTP 429); retrying automatically (attempt 1 of 3).',
    })
    expect(await stepsOf(customerId)).toMatchObject({ prerequisites_checked: 'pending' })
    expect((await customerRow(customerId)).onboardingState).toBe('access_verified')

    fx.sim.state.faults.remove(fault.id)
    await expect(
      runOnboarding({ ...fx.onboarding, attempt: { current: 2, max: 3 } }, customerId),
    ).resolves.toBe('onboarded')
  })

  it('fails the step on the last throttled attempt with what Microsoft said, and notifies once', async () => {
    const tenantId = addTenant(fx)
    const customerId = await consentedCustomer(fx, tenantId, true)
    fx.sim.state.faults.add({ kind: 'throttle', origin: 'graph', tenantId, pathContains: '/subscribedskus' })
    const last = { ...fx.onboarding, attempt: { current: 3, max: 3 } }
    await expect(runOnboarding(last, customerId)).resolves.toBe('failed')
    const customer = await customerRow(customerId)
    expect(customer.onboardingState).toBe('failed')
    expect(customer.lastFailureReason).toMatch(/HTTP 429/)
    expect(await stepsOf(customerId)).toMatchObject({ prerequisites_checked: 'failed' })
    await expect(runOnboarding(last, customerId)).resolves.toBe('failed')
    expect(await notificationsOf(fx, customerId)).toEqual(['onboarding_failed'])
  })

  it('a failure that cannot be recorded (database down) is thrown with the original as its cause, not done', async () => {
    for (const attempt of [
      { current: 1, max: 3 }, // would have been put back to pending
      { current: 3, max: 3 }, // would have failed the customer
    ]) {
      const tenantId = addTenant(fx)
      const customerId = await consentedCustomer(fx, tenantId, true)
      const fault = fx.sim.state.faults.add({
        kind: 'throttle',
        origin: 'graph',
        tenantId,
        pathContains: '/subscribedskus',
        retryAfterSeconds: 0,
      })
      const run = runOnboarding(dbDownOnGraphFailure(attempt), customerId)
      await expect(run).rejects.toBeInstanceOf(OnboardingFailureNotRecorded)
      const error = (await run.catch((e: unknown) => e)) as OnboardingFailureNotRecorded
      expect(error.cause).toMatchObject({ kind: 'throttled', status: 429 })
      expect(error.message).toMatch(
        /^onboarding step prerequisites_checked failed \(ThrottledError: .*\) and the failure could not be recorded \(Error: Can't reach database server/,
      )
      // Nothing was recorded: the step is still running, the customer not failed, no one notified.
      expect(await stepsOf(customerId)).toMatchObject({ prerequisites_checked: 'running' })
      expect((await customerRow(customerId)).onboardingState).toBe('access_verified')
      expect(await notificationsOf(fx, customerId)).toEqual([])

      // The queue's next attempt, with the database back, finishes the onboarding.
      fx.sim.state.faults.remove(fault.id)
      await expect(runOnboarding({ ...fx.onboarding, attempt }, customerId)).resolves.toBe('onboarded')
    }
  })

  it('fails access verification when the consent was revoked before the job ran', async () => {
    const tenantId = addTenant(fx)
    const customerId = await consentedCustomer(fx, tenantId, true)
    fx.sim.state.revokeConsent(tenantId, APP)
    await expect(runOnboarding(fx.onboarding, customerId)).resolves.toBe('failed')
    const step = await fx.db.prisma.onboardingStep.findUniqueOrThrow({
      where: { customerId_step: { customerId, step: 'access_verified' } },
    })
    expect(step.status).toBe('failed')
    expect(step.message).toMatch(
      /^Microsoft had not made the consent effective after 1 seconds \(last error AADSTS\d+\)\. Retry the step in a few minutes/,
    )
    expect(readPartner(fx, tenantId)).toBeNull()
    expect(await fx.db.prisma.checkRun.count({ where: { customerId } })).toBe(0)
  })

  it('skips a customer without a consent and one already verified', async () => {
    const fresh = await fx.db.prisma.customer.create({ data: { name: 'No consent yet' } })
    await expect(runOnboarding(fx.onboarding, fresh.id)).resolves.toBe('skipped')
    const tenantId = addTenant(fx)
    const customerId = await consentedCustomer(fx, tenantId, true)
    await expect(runOnboarding(fx.onboarding, customerId)).resolves.toBe('onboarded')
    await expect(runOnboarding(fx.onboarding, customerId)).resolves.toBe('skipped')
    expect(await fx.db.prisma.checkRun.count({ where: { customerId } })).toBe(1)
  })
})
