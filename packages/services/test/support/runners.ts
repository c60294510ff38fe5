// Service-level fixture for the onboarding and check runners: a real database, the Microsoft simulator seeded
// with the partner app, and the real MSAL token provider and Graph gateway pointed at it. No queue and no
// worker: the tests call runOnboarding and runCheck directly and read what was enqueued.
import { randomUUID } from 'node:crypto'
import { buildCreateBody, defaultPolicy } from '@crosstrust/core'
import {
  createGraphGateway,
  createTokenProvider,
  type GraphGateway,
  type TokenProvider,
} from '@crosstrust/microsoft'
import { buildDemoSeed, DEMO_IDS, startSimulator, type RunningSimulator } from '@crosstrust/ms-sim'
import { createTestDatabase, type TestDatabase } from '@crosstrust/testkit'
import {
  addConsentedTenant,
  notificationsOf,
  onboardedCustomerData,
  partnerEntryHelpers,
  type PartnerEntry,
} from '@crosstrust/testkit/fixtures'
import {
  DEFAULT_MONITORING_SETTINGS,
  moveStep,
  type MonitoringDeps,
  type OnboardingDeps,
  type ServiceContext,
} from '../../src/index.ts'
import { createSteps } from '../../src/onboarding-steps.ts'

export const PARTNER = DEMO_IDS.partnerTenantId
export const APP = DEMO_IDS.appClientId
const SECRET = 'runner-test-secret-0123456789'

export type Partner = PartnerEntry

export { notificationsOf }

export interface RunnerFixture {
  db: TestDatabase
  sim: RunningSimulator
  tokens: TokenProvider
  graph: GraphGateway
  ctx: ServiceContext
  /** Every job the runners enqueued (notification deliveries). */
  enqueued: { kind: string; payload: unknown }[]
  onboarding: OnboardingDeps
  monitoring: MonitoringDeps
  close(): Promise<void>
}

export async function startRunnerFixture(): Promise<RunnerFixture> {
  const sim = await startSimulator({ seed: buildDemoSeed({ appSecret: SECRET }) })
  const db = await createTestDatabase()
  const tokens = createTokenProvider({
    loginUrl: sim.loginUrl,
    clientId: APP,
    credential: { kind: 'secret', secret: SECRET },
  })
  // One try per call: a fault the test injects reaches the runner at once instead of after the retry budget.
  const graph = createGraphGateway({ graphUrl: sim.graphUrl, tokens, retry: { maxAttempts: 1 } })
  const enqueued: RunnerFixture['enqueued'] = []
  const ctx: ServiceContext = {
    db: db.prisma,
    now: () => new Date(),
    enqueue: (kind, payload) => {
      enqueued.push({ kind, payload })
      return Promise.resolve()
    },
  }
  // Longer than the simulator's default read-after-write lag (1 s), as Microsoft makes clients wait.
  const readBack = { attempts: 10, delayMs: 300 }
  return {
    db,
    sim,
    tokens,
    graph,
    ctx,
    enqueued,
    onboarding: {
      ctx,
      tokens,
      graph,
      settings: {
        partnerTenantId: PARTNER,
        consentRetryWindowMs: 1_000,
        retryBaseDelayMs: 100,
        maxRetryDelayMs: 400,
        readBack,
        defaultCheckIntervalSeconds: 6 * 3600,
      },
    },
    monitoring: {
      ctx,
      graph,
      settings: {
        ...DEFAULT_MONITORING_SETTINGS,
        readBack,
        partnerTenantId: PARTNER,
        appClientId: DEMO_IDS.appClientId,
        defaultMode: 'alert',
        defaultCheckIntervalSeconds: 6 * 3600,
      },
    },
    close: async () => {
      await db.drop()
      await sim.close()
    },
  }
}

/** The partner entry exactly as onboarding leaves it. */
export function compliantPartner(): Partner {
  return buildCreateBody(defaultPolicy, PARTNER)
}

/** A customer tenant that consented to the partner app; `partner`: the entry already there (default none). */
export function addTenant(fx: RunnerFixture, partner: Partner | null = null): string {
  const tenantId = randomUUID()
  addConsentedTenant(fx, { id: tenantId, label: `run${tenantId.slice(0, 8)}`, appClientId: APP, partner })
  return tenantId
}

export const { readPartner, tamper } = partnerEntryHelpers(compliantPartner, PARTNER)

/**
 * A customer whose administrator has just consented (link issued, consent received). `expected`: the tenant
 * was named at creation (bindable at once); otherwise it is a first-time tenant an Operator must confirm.
 */
export async function consentedCustomer(
  fx: RunnerFixture,
  tenantId: string,
  expected: boolean,
): Promise<string> {
  const customer = await fx.db.prisma.customer.create({
    data: {
      name: `Customer ${tenantId.slice(0, 8)}`,
      consentedTenantId: tenantId,
      ...(expected ? { expectedTenantId: tenantId } : {}),
    },
  })
  await fx.db.prisma.$transaction(async (tx) => {
    await createSteps(tx, customer.id)
    await moveStep(tx, customer.id, 'link_issued', 'succeeded', new Date(), 'Link issued.')
    await moveStep(tx, customer.id, 'consent_received', 'succeeded', new Date(), 'Consent received.')
  })
  return customer.id
}

/** A customer onboarded earlier, compliant in PostgreSQL; the tenant holds `partner` (default compliant). */
export async function onboardedCustomer(
  fx: RunnerFixture,
  options: { mode: 'report' | 'alert' | 'remediate'; partner?: Partner | null },
): Promise<{ id: string; tenantId: string }> {
  const tenantId = addTenant(fx, options.partner === undefined ? compliantPartner() : options.partner)
  const customer = await fx.db.prisma.customer.create({
    data: onboardedCustomerData(tenantId, { name: `Customer ${tenantId.slice(0, 8)}`, mode: options.mode }),
  })
  return { id: customer.id, tenantId }
}
