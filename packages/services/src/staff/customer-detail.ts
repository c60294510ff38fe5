import {
  NotFoundError,
  ONBOARDING_STEPS,
  type ConsentLinkDelivery,
  type CustomerStatus,
  type LinkDelivery,
  type VerificationView,
} from '@crosstrust/core'
import type { Db } from '@crosstrust/db'
import { z } from 'zod'
import { deviationView, type DeviationView } from '../monitoring/deviations.ts'
import { auditEventView, type AuditEventView } from './audit-events.ts'
import { statusOf } from './customer-status.ts'
import { customerView, type CustomerView } from './customer-view.ts'
import {
  observedFieldsView,
  policyDiffView,
  type ObservedFieldsView,
  type PolicyDiffView,
} from './policy-diff-view.ts'
import { runSummary, WITH_ATTRIBUTION, type RunSummary } from './runs.ts'
import { verificationFromSnapshot } from './verification.ts'

export type ConsentLinkStatus = 'open' | 'used' | 'revoked' | 'expired'

/** A consent link as staff see it: never the token (the database only has its hash anyway). */
export interface ConsentLinkView {
  id: string
  status: ConsentLinkStatus
  createdAt: Date
  expiresAt: Date
  usedAt: Date | null
  revokedAt: Date | null
  createdBy: string | null
  /** `staff` (issued on the page or the API) or `email` (minted by the mail that carried it). */
  delivery: ConsentLinkDelivery
}

export interface StepView {
  step: (typeof ONBOARDING_STEPS)[number]
  status: 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped'
  attempts: number
  message: string | null
  startedAt: Date | null
  finishedAt: Date | null
  updatedAt: Date
}

export interface CustomerDetail {
  customer: CustomerView
  /** The customer status (Managed, Access needed, …) with its reason and fix. */
  status: CustomerStatus
  verification: VerificationView | null
  /** Owned fields as last observed (flat, by policy path); null before the first observation. */
  observed: ObservedFieldsView | null
  /** What differs from the policy at the latest check; null when nothing does or before the first. */
  currentDiff: PolicyDiffView | null
  steps: StepView[]
  latestRun: RunSummary | null
  activeDeviations: DeviationView[]
  consentLinks: ConsentLinkView[]
  recentRuns: RunSummary[]
  recentAudit: AuditEventView[]
}

export function linkStatus(
  link: { usedAt: Date | null; revokedAt: Date | null; expiresAt: Date },
  now: Date,
): ConsentLinkStatus {
  if (link.usedAt) return 'used'
  if (link.revokedAt) return 'revoked'
  return link.expiresAt <= now ? 'expired' : 'open'
}

export function consentLinkView(
  link: {
    id: string
    createdAt: Date
    expiresAt: Date
    usedAt: Date | null
    revokedAt: Date | null
    createdBy: string | null
    delivery: LinkDelivery
  },
  now: Date,
): ConsentLinkView {
  return {
    id: link.id,
    status: linkStatus(link, now),
    createdAt: link.createdAt,
    expiresAt: link.expiresAt,
    usedAt: link.usedAt,
    revokedAt: link.revokedAt,
    createdBy: link.createdBy,
    // A consent link never comes from the result page (the column is shared with status links).
    delivery: link.delivery === 'email' ? 'email' : 'staff',
  }
}

const LINK_SELECT = {
  id: true,
  createdAt: true,
  expiresAt: true,
  usedAt: true,
  revokedAt: true,
  createdBy: true,
  delivery: true,
} as const

/** A customer's consent links, newest first (the index `(customer_id, created_at desc)`). */
export async function listConsentLinks(
  db: Db,
  customerId: string,
  now: Date = new Date(),
  limit = 50,
): Promise<ConsentLinkView[]> {
  const links = await db.consentLink.findMany({
    where: { customerId },
    orderBy: { createdAt: 'desc' },
    take: limit,
    select: LINK_SELECT,
  })
  return links.map((l) => consentLinkView(l, now))
}

/** A customer's id and name (for a filter chip); null for an unknown id or one that is not a UUID. */
export async function customerLabel(
  db: Db,
  customerId: string,
): Promise<{ id: string; name: string } | null> {
  if (!z.uuid().safeParse(customerId).success) return null
  return db.customer.findUnique({ where: { id: customerId }, select: { id: true, name: true } })
}

/**
 * Everything the customer page shows, in one round of parallel queries (each indexed by customer):
 * steps in order, latest run, current diff, active deviations, consent links, recent runs and audit trail.
 */
export async function customerDetail(
  db: Db,
  id: string,
  options: { now?: Date; recentRuns?: number; recentAudit?: number } = {},
): Promise<CustomerDetail> {
  const now = options.now ?? new Date()
  const customer = z.uuid().safeParse(id).success ? await db.customer.findUnique({ where: { id } }) : null
  if (!customer) throw new NotFoundError(`No customer ${id}.`, { code: 'customer_not_found' })
  const [steps, runs, deviations, links, audit, trust] = await Promise.all([
    db.onboardingStep.findMany({ where: { customerId: id } }),
    db.checkRun.findMany({
      where: { customerId: id },
      orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
      take: options.recentRuns ?? 10,
      include: WITH_ATTRIBUTION,
    }),
    db.acceptedDeviation.findMany({
      where: { customerId: id, revokedAt: null, expiresAt: { gt: now } },
      orderBy: { createdAt: 'desc' },
    }),
    db.consentLink.findMany({
      where: { customerId: id },
      orderBy: { createdAt: 'desc' },
      take: 20,
      select: LINK_SELECT,
    }),
    db.auditEvent.findMany({
      where: { customerId: id },
      orderBy: [{ at: 'desc' }, { id: 'desc' }],
      take: options.recentAudit ?? 20,
    }),
    db.customerTrust.findUnique({ where: { customerId: id }, select: { missingPermissions: true } }),
  ])
  const latest =
    runs[0] ??
    (customer.lastCheckRunId
      ? await db.checkRun.findUnique({ where: { id: customer.lastCheckRunId }, include: WITH_ATTRIBUTION })
      : null)
  return {
    customer: customerView(customer),
    status: statusOf(customer, trust?.missingPermissions ?? []),
    verification: verificationFromSnapshot(customer.lastObservedSnapshot, customer.complianceState),
    observed: observedFieldsView(customer.lastObservedSnapshot),
    currentDiff: policyDiffView(customer.currentDiff),
    steps: steps
      .sort((a, b) => ONBOARDING_STEPS.indexOf(a.step) - ONBOARDING_STEPS.indexOf(b.step))
      .map((s) => ({
        step: s.step,
        status: s.status,
        attempts: s.attempts,
        message: s.message,
        startedAt: s.startedAt,
        finishedAt: s.finishedAt,
        updatedAt: s.updatedAt,
      })),
    latestRun: latest ? runSummary(latest) : null,
    activeDeviations: deviations.map(deviationView),
    consentLinks: links.map((l) => consentLinkView(l, now)),
    recentRuns: runs.map(runSummary),
    recentAudit: audit.map(auditEventView),
  }
}
