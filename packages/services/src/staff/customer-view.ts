// A customer as staff surfaces see it: the record's own facts, typed, without the columns that belong to the
// machinery (the observed snapshot and its hash, the optimistic-lock version, the sweep's lease).
import type { ComplianceState, MonitoringMode, OnboardingState } from '@crosstrust/core'
import type { Customer } from '@crosstrust/db'
import { z } from 'zod'

export const contactSchema = z.object({
  name: z.string().trim().min(1).max(200),
  email: z.email().max(320),
  role: z.string().trim().max(100).optional(),
})

export type ContactView = z.output<typeof contactSchema>
export type LicenceView = 'none' | 'p1' | 'p2' | 'unknown'

export interface CustomerView {
  id: string
  name: string
  notes: string | null
  contacts: ContactView[]
  expectedTenantId: string | null
  expectedDomain: string | null
  /** The tenant of the latest granted consent (binds nothing by itself). */
  consentedTenantId: string | null
  confirmedTenantId: string | null
  tenantConfirmedBy: string | null
  tenantConfirmedAt: Date | null
  /** The bound tenant. */
  tenantId: string | null
  tenantDisplayName: string | null
  verifiedDomains: string[]
  licence: LicenceView
  onboardingState: OnboardingState
  complianceState: ComplianceState
  complianceChangedAt: Date | null
  /** null: the global default mode. */
  mode: MonitoringMode | null
  /** null: the global default interval. */
  checkIntervalSeconds: number | null
  nextCheckAt: Date | null
  lastCheckAt: Date | null
  consecutiveFailures: number
  backoffUntil: Date | null
  lastFailureReason: string | null
  compliantPolicyVersion: number | null
  createdAt: Date
  updatedAt: Date
  offboardedAt: Date | null
}

const contactsSchema = z.array(z.unknown())

/** Contacts as stored (a JSON array): entries that do not read as a contact are left out. */
function contactsOf(stored: unknown): ContactView[] {
  const list = contactsSchema.safeParse(stored)
  if (!list.success) return []
  return list.data.flatMap((raw) => {
    const contact = contactSchema.safeParse(raw)
    return contact.success ? [contact.data] : []
  })
}

export function customerView(c: Customer): CustomerView {
  return {
    id: c.id,
    name: c.name,
    notes: c.notes,
    contacts: contactsOf(c.contacts),
    expectedTenantId: c.expectedTenantId,
    expectedDomain: c.expectedDomain,
    consentedTenantId: c.consentedTenantId,
    confirmedTenantId: c.confirmedTenantId,
    tenantConfirmedBy: c.tenantConfirmedBy,
    tenantConfirmedAt: c.tenantConfirmedAt,
    tenantId: c.tenantId,
    tenantDisplayName: c.tenantDisplayName,
    verifiedDomains: c.verifiedDomains,
    licence: c.licence,
    onboardingState: c.onboardingState,
    complianceState: c.complianceState,
    complianceChangedAt: c.complianceChangedAt,
    mode: c.mode,
    checkIntervalSeconds: c.checkIntervalSeconds,
    nextCheckAt: c.nextCheckAt,
    lastCheckAt: c.lastCheckAt,
    consecutiveFailures: c.consecutiveFailures,
    backoffUntil: c.backoffUntil,
    lastFailureReason: c.lastFailureReason,
    compliantPolicyVersion: c.compliantPolicyVersion,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    offboardedAt: c.offboardedAt,
  }
}
