// Helpers for the monitoring system tests: onboarded customers seeded straight into Postgres and the
// simulator (onboarding itself is covered by onboarding.test.ts), and "run a check now and wait for it".
import { randomUUID } from 'node:crypto'
import { buildCreateBody, defaultPolicy } from '@crosstrust/core'
import type { CheckRun, Customer } from '@crosstrust/db'
import {
  addConsentedTenant,
  notificationsOf,
  onboardedCustomerData,
  partnerEntryHelpers,
  type PartnerEntry,
} from '@crosstrust/testkit/fixtures'
import { DEMO_IDS, waitFor, type System } from './system.ts'

export { notificationsOf }

export const PARTNER = DEMO_IDS.partnerTenantId
export const APP = DEMO_IDS.appClientId
export const STAFF = { type: 'staff' as const, id: 'test-operator', name: 'Test Operator' }

export type Partner = PartnerEntry

/** The partner entry exactly as onboarding leaves it. */
export function compliantPartner(): Partner {
  return buildCreateBody(defaultPolicy, PARTNER)
}

export interface SeedOptions {
  name?: string
  mode?: 'report' | 'alert' | 'remediate' | null
  /** The partner entry in the tenant; null = none. Default: compliant. */
  partner?: Partner | null
  nextCheckAt?: Date | null
  checkIntervalSeconds?: number | null
}

let counter = 0

/** A customer tenant with our consent and (by default) a compliant partner entry, onboarded in Postgres. */
export async function seedOnboardedCustomer(sys: System, options: SeedOptions = {}): Promise<Customer> {
  counter += 1
  const tenantId = randomUUID()
  const label = `mon${String(counter)}${tenantId.slice(0, 8)}`
  const partner = options.partner === undefined ? compliantPartner() : options.partner
  addConsentedTenant(sys, { id: tenantId, label, appClientId: APP, partner })
  return sys.db.prisma.customer.create({
    data: onboardedCustomerData(tenantId, {
      name: options.name ?? label,
      mode: options.mode ?? null,
      checkIntervalSeconds: options.checkIntervalSeconds ?? null,
      ...(options.nextCheckAt === undefined ? {} : { nextCheckAt: options.nextCheckAt }),
    }),
  })
}

export const { readPartner, tamper } = partnerEntryHelpers(compliantPartner, PARTNER)

export async function runsOf(sys: System, customerId: string): Promise<CheckRun[]> {
  return sys.db.prisma.checkRun.findMany({ where: { customerId }, orderBy: { startedAt: 'asc' } })
}

/** Waits until the customer has more than `known` runs matching `kind`; returns the newest. */
export async function nextRun(
  sys: System,
  customerId: string,
  known: number,
  kind: 'check' | 'apply' | 'offboard' = 'check',
  timeoutMs = 20_000,
): Promise<CheckRun> {
  return waitFor(
    async () => {
      const runs = await sys.db.prisma.checkRun.findMany({
        where: { customerId, kind },
        orderBy: [{ finishedAt: 'asc' }, { startedAt: 'asc' }],
      })
      return runs.length > known ? runs.at(-1) : null
    },
    `a new ${kind} run of ${customerId}`,
    timeoutMs,
  )
}

/** Enqueues a staff check now and waits for its run. */
export async function checkNow(sys: System, customerId: string): Promise<CheckRun> {
  const known = await sys.db.prisma.checkRun.count({ where: { customerId, kind: 'check' } })
  await sys.queues.enqueue('check', { customerId, trigger: 'staff', dueAt: new Date().toISOString() })
  return nextRun(sys, customerId, known)
}

export async function customer(sys: System, id: string): Promise<Customer> {
  return sys.db.prisma.customer.findUniqueOrThrow({ where: { id } })
}

export async function auditActions(sys: System, customerId: string): Promise<string[]> {
  const events = await sys.db.prisma.auditEvent.findMany({ where: { customerId }, orderBy: { id: 'asc' } })
  return events.map((e) => e.action)
}
