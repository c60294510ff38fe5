// A passing Microsoft fault (throttling or 5xx beyond the gateway's own retry budget) must not fail a
// customer's onboarding for good: the step goes back to pending and the job is retried by the queue; only
// the last attempt fails the step.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger } from '@crosstrust/logger'
import { OnboardingRetryLater, runOnboarding, type OnboardingDeps } from '@crosstrust/services'
import { createMicrosoftClients } from '../../apps/worker/src/microsoft.ts'
import { onboardingSettings } from '../../apps/worker/src/processors.ts'
import { addTenant, newCustomer } from '../support/consent-steps.ts'
import { consentAs } from '../support/consent-driver.ts'
import { startSystem, type System } from '../support/system.ts'

let sys: System
let deps: Omit<OnboardingDeps, 'attempt'>

beforeAll(async () => {
  sys = await startSystem({ worker: false })
  const logger = createLogger({ name: 'retry-test', level: 'silent' })
  const { tokens, graph } = createMicrosoftClients(sys.config, logger)
  deps = {
    ctx: { db: sys.db.prisma, now: () => new Date(), enqueue: (k, p) => sys.queues.enqueue(k, p) },
    tokens,
    graph,
    settings: {
      ...onboardingSettings({ config: sys.config }),
      retryBaseDelayMs: 100,
      readBack: { attempts: 10, delayMs: 300 },
    },
  }
})
afterAll(async () => {
  await sys.stop()
})

async function consentedCustomer(name: string) {
  const tenant = addTenant(sys, { licence: 'P2' })
  const { customerId, linkUrl } = await newCustomer(sys, name, tenant.id)
  await consentAs(linkUrl, tenant.id, 'accept')
  return { customer: { id: customerId }, tenant }
}

const stepOf = (customerId: string, step: 'prerequisites_checked') =>
  sys.db.prisma.onboardingStep.findUniqueOrThrow({ where: { customerId_step: { customerId, step } } })

describe('onboarding under a Microsoft outage longer than one call may wait', () => {
  it('puts the step back to pending and asks the queue to retry, then completes on the next attempt', async () => {
    const { customer, tenant } = await consentedCustomer('Outage Ltd')
    const fault = sys.sim.state.faults.add({
      kind: 'error',
      status: 503,
      origin: 'graph',
      tenantId: tenant.id,
      pathContains: '/organization',
      retryAfterSeconds: 0,
    })
    await expect(
      runOnboarding({ ...deps, attempt: { current: 1, max: 3 } }, customer.id),
    ).rejects.toBeInstanceOf(OnboardingRetryLater)
    const pending = await stepOf(customer.id, 'prerequisites_checked')
    expect(pending.status).toBe('pending')
    expect(pending.message).toMatch(/retrying automatically \(attempt 1 of 3\)/)
    expect(
      (await sys.db.prisma.customer.findUniqueOrThrow({ where: { id: customer.id } })).onboardingState,
    ).not.toBe('failed')

    sys.sim.state.faults.rules = sys.sim.state.faults.rules.filter((r) => r.id !== fault.id)
    await expect(runOnboarding({ ...deps, attempt: { current: 2, max: 3 } }, customer.id)).resolves.toBe(
      'onboarded',
    )
  })

  it('fails the step on the last attempt, with what Microsoft said', async () => {
    const { customer, tenant } = await consentedCustomer('Long Outage Ltd')
    sys.sim.state.faults.add({
      kind: 'error',
      status: 503,
      origin: 'graph',
      tenantId: tenant.id,
      pathContains: '/organization',
      retryAfterSeconds: 0,
    })
    await expect(runOnboarding({ ...deps, attempt: { current: 3, max: 3 } }, customer.id)).resolves.toBe(
      'failed',
    )
    const failed = await stepOf(customer.id, 'prerequisites_checked')
    expect(failed.status).toBe('failed')
    expect(failed.message).toMatch(/503/)
  })
})
