// The verdict on the administrator's result page is the one this attempt's onboarding produced: not an
// earlier onboarding's (a re-consent), and not after the day following the consent (an old result URL).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from '@crosstrust/testkit'
import { consentAttemptStatus, type ServiceContext } from '../../src/index.ts'

let db: TestDatabase
beforeAll(async () => {
  db = await createTestDatabase()
})
afterAll(async () => {
  await db.drop()
})

const at = (iso: string) => new Date(iso)
const ctxAt = (now: string): ServiceContext => ({
  db: db.prisma,
  now: () => at(now),
  enqueue: () => Promise.resolve(),
})

/** An onboarded customer whose consent (attempt) was used at `consentedAt`, verified at `verifiedAt`. */
async function attempt(opts: {
  consentedAt: string
  verifiedAt: string
  evaluatedAt: string
}): Promise<string> {
  const customer = await db.prisma.customer.create({
    data: { name: 'Litware', onboardingState: 'onboarded', tenantId: crypto.randomUUID() },
  })
  await db.prisma.onboardingStep.create({
    data: { customerId: customer.id, step: 'verified', status: 'succeeded', finishedAt: at(opts.verifiedAt) },
  })
  await db.prisma.customerTrust.create({
    data: {
      customerId: customer.id,
      verdict: 'effective',
      reason: 'Their MFA is trusted.',
      evaluatedAt: at(opts.evaluatedAt),
      changedAt: at(opts.evaluatedAt),
    },
  })
  const link = await db.prisma.consentLink.create({
    data: {
      customerId: customer.id,
      tokenHash: crypto.randomUUID(),
      expiresAt: at('2027-01-01T00:00:00Z'),
      delivery: 'staff',
    },
  })
  const state = await db.prisma.consentState.create({
    data: {
      consentLinkId: link.id,
      stateHash: crypto.randomUUID(),
      browserHash: 'b',
      phase: 'consent',
      expiresAt: at('2027-01-01T00:00:00Z'),
      usedAt: at(opts.consentedAt),
    },
  })
  return state.id
}

describe('the verdict on the result page', () => {
  it('is shown when this consent was verified and evaluated after it, for a day', async () => {
    const id = await attempt({
      consentedAt: '2026-12-03T10:00:00Z',
      verifiedAt: '2026-12-03T10:01:00Z',
      evaluatedAt: '2026-12-03T10:01:05Z',
    })
    const soon = await consentAttemptStatus(ctxAt('2026-12-03T10:02:00Z'), id, 'Truesec Detect AB')
    expect(soon?.trust).toMatchObject({ verdict: 'effective', reason: 'Their MFA is trusted.' })
    const nextWeek = await consentAttemptStatus(ctxAt('2026-12-10T10:02:00Z'), id, 'Truesec Detect AB')
    expect(nextWeek?.partnerConfigured).toBe(true)
    expect(nextWeek?.trust).toBeNull()
  })

  it("a re-consent does not show the earlier onboarding's verdict as its own", async () => {
    const id = await attempt({
      consentedAt: '2026-12-03T10:00:00Z',
      verifiedAt: '2026-11-01T09:00:00Z',
      evaluatedAt: '2026-12-02T09:00:00Z',
    })
    const status = await consentAttemptStatus(ctxAt('2026-12-03T10:00:30Z'), id, 'Truesec Detect AB')
    expect(status?.trust).toBeNull()
  })
})
