// Collects the facts of one customer's evidence document from the database (read only; the export's audit
// event is written by export-pack.ts).
import type {
  EvidenceCheck,
  EvidenceConsent,
  EvidenceDeviation,
  EvidenceDefaultPolicyChange,
  EvidenceDrift,
  EvidenceFacts,
  EvidenceRemediation,
  EvidenceTrustChange,
} from '@crosstrust/core'
import { isDriftOutcome } from '@crosstrust/core'
import type { Db } from '@crosstrust/db'
import { loadAuditSlice } from './audit-slice.ts'
import { loadPolicyVersions } from './collect-policy.ts'
import { evidenceAttribution } from './attribution-of.ts'
import type { Period } from './period.ts'

const iso = (d: Date | null) => (d === null ? null : d.toISOString())

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {}
}
const text = (value: unknown) => (typeof value === 'string' ? value : null)

function consentOf(row: { at: Date; action: string; after: unknown }): EvidenceConsent {
  const after = record(row.after)
  const admin = record(after.admin)
  return {
    at: row.at.toISOString(),
    action: row.action,
    tenantId: text(after.tenantId),
    admin:
      after.admin === undefined
        ? null
        : { oid: text(admin.oid), name: text(admin.name), username: text(admin.username) },
  }
}

async function loadOnboarding(db: Db, customerId: string) {
  const customer = await db.customer.findUniqueOrThrow({ where: { id: customerId } })
  const steps = await db.onboardingStep.findMany({ where: { customerId }, orderBy: { startedAt: 'asc' } })
  // The whole consent history, whatever the period: the onboarding record usually predates it.
  const consents = await db.auditEvent.findMany({
    where: { customerId, action: { in: ['consent.signed_in', 'consent.granted'] } },
    orderBy: { chainSeq: 'asc' },
    select: { at: true, action: true, after: true },
  })
  return {
    onboardingState: customer.onboardingState,
    consents: consents.map(consentOf),
    steps: steps.map((s) => ({
      step: s.step,
      status: s.status,
      attempts: s.attempts,
      message: s.message,
      startedAt: iso(s.startedAt),
      finishedAt: iso(s.finishedAt),
    })),
    tenantConfirmation:
      customer.confirmedTenantId === null
        ? null
        : {
            tenantId: customer.confirmedTenantId,
            confirmedBy: customer.tenantConfirmedBy,
            confirmedAt: iso(customer.tenantConfirmedAt),
          },
  }
}

async function loadTrust(db: Db, customerId: string, period: Period) {
  const current = await db.customerTrust.findUnique({ where: { customerId } })
  const events = await db.notificationEvent.findMany({
    where: { customerId, eventType: 'trust_changed', createdAt: { gte: period.from, lte: period.to } },
    orderBy: { createdAt: 'asc' },
  })
  const changes: EvidenceTrustChange[] = events.map((e) => {
    const payload = record(e.payload)
    return {
      at: e.createdAt.toISOString(),
      from: text(payload.from),
      to: text(payload.to),
      detail: text(payload.detail) ?? 'Trust verdict changed',
    }
  })
  return {
    current:
      current === null
        ? null
        : {
            verdict: current.verdict,
            reason: current.reason,
            fix: current.fix,
            evaluatedAt: current.evaluatedAt.toISOString(),
            changedAt: current.changedAt.toISOString(),
            missingPermissions: current.missingPermissions,
          },
    changes,
  }
}

export async function collectEvidence(
  db: Db,
  customerId: string,
  period: Period,
  partner: { name: string; tenantId: string },
  now: Date,
): Promise<EvidenceFacts> {
  const customer = await db.customer.findUniqueOrThrow({ where: { id: customerId } })
  const runs = await db.checkRun.findMany({
    where: { customerId, startedAt: { gte: period.from, lte: period.to } },
    orderBy: { startedAt: 'asc' },
    include: { attribution: true },
  })
  const checks: EvidenceCheck[] = runs.map((r) => ({
    id: r.id,
    kind: r.kind,
    trigger: r.trigger,
    outcome: r.outcome,
    policyVersion: r.policyVersion,
    startedAt: r.startedAt.toISOString(),
    finishedAt: iso(r.finishedAt),
    diff: r.diff,
    errorCode: r.errorCode,
    errorMessage: r.errorMessage,
    actor: r.actor,
  }))
  const drifts: EvidenceDrift[] = runs.flatMap((r) =>
    r.kind === 'check' && r.outcome !== null && isDriftOutcome(r.outcome)
      ? [
          {
            checkRunId: r.id,
            detectedAt: (r.finishedAt ?? r.startedAt).toISOString(),
            outcome: r.outcome,
            diff: r.diff,
            attribution: evidenceAttribution(r.attribution),
          },
        ]
      : [],
  )
  const defaultPolicyChanges: EvidenceDefaultPolicyChange[] = runs.flatMap((r) => {
    const attribution = evidenceAttribution(r.attribution, 'default_policy')
    return attribution === null
      ? []
      : [{ checkRunId: r.id, detectedAt: (r.finishedAt ?? r.startedAt).toISOString(), attribution }]
  })
  const remediations: EvidenceRemediation[] = runs.flatMap((r) =>
    r.outcome === 'remediated' || (r.kind === 'apply' && (r.before !== null || r.after !== null))
      ? [
          {
            checkRunId: r.id,
            kind: r.kind,
            outcome: r.outcome,
            at: (r.finishedAt ?? r.startedAt).toISOString(),
            before: r.before,
            after: r.after,
          },
        ]
      : [],
  )
  // Deviations that were in effect at any time of the period.
  const deviationRows = await db.acceptedDeviation.findMany({
    where: {
      customerId,
      createdAt: { lte: period.to },
      expiresAt: { gte: period.from },
      OR: [{ revokedAt: null }, { revokedAt: { gte: period.from } }],
    },
    orderBy: { createdAt: 'asc' },
  })
  const deviations: EvidenceDeviation[] = deviationRows.map((d) => ({
    id: d.id,
    field: d.field,
    acceptedValue: d.acceptedValue,
    reason: d.reason,
    owner: d.owner,
    approver: d.createdBy,
    createdAt: d.createdAt.toISOString(),
    expiresAt: d.expiresAt.toISOString(),
    revokedAt: iso(d.revokedAt),
    revokedBy: d.revokedBy,
  }))
  const referenced = [...new Set(runs.flatMap((r) => (r.policyVersion === null ? [] : [r.policyVersion])))]
  return {
    generatedAt: now.toISOString(),
    period: { from: period.from.toISOString(), to: period.to.toISOString() },
    partner,
    customer: {
      id: customer.id,
      name: customer.name,
      tenantId: customer.tenantId,
      tenantDisplayName: customer.tenantDisplayName,
      verifiedDomains: customer.verifiedDomains,
      mode: customer.mode,
      complianceState: customer.complianceState,
    },
    policyVersions: await loadPolicyVersions(db, period, referenced),
    onboarding: await loadOnboarding(db, customerId),
    checks,
    drifts,
    defaultPolicyChanges,
    deviations,
    remediations,
    trust: await loadTrust(db, customerId, period),
    auditLog: await loadAuditSlice(db, customerId, period),
  }
}
