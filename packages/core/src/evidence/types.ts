// The evidence document (docs/evidence.md): one customer, one period, everything an auditor asks for. Its
// JSON Schema is packages/services/src/evidence/evidence.schema.json; a change here changes both.
import type { AuditChainRow } from '../audit-chain.ts'
import type { AttributionEntry, AttributionStatus } from '../attribution/types.ts'

export type { AttributionEntry }

export const EVIDENCE_FORMAT = 'crosstrust.evidence/v1'

/** Outcomes of a check run (check_runs.outcome). */
export type RunOutcome =
  | 'compliant'
  | 'drifted'
  | 'remediated'
  | 'unknown'
  | 'access_lost'
  | 'removed'
  | 'skipped'
  | 'failed'
  | 'offboarded'

export interface EvidencePeriod {
  from: string
  to: string
}

export interface EvidenceCheck {
  id: string
  kind: 'onboard' | 'apply' | 'check' | 'offboard'
  trigger: string
  outcome: RunOutcome | null
  policyVersion: number | null
  startedAt: string
  finishedAt: string | null
  diff: unknown
  errorCode: string | null
  errorMessage: string | null
  actor: string | null
}

export interface EvidenceAttribution {
  status: AttributionStatus
  windowStart: string
  windowEnd: string
  attempts: number
  entries: AttributionEntry[]
  errorMessage: string | null
}

export interface EvidenceDrift {
  checkRunId: string
  detectedAt: string
  outcome: RunOutcome
  diff: unknown
  attribution: EvidenceAttribution | null
}

/** A change of the tenant's default cross-tenant policy a check found (the customer's own; never repaired). */
export interface EvidenceDefaultPolicyChange {
  checkRunId: string
  detectedAt: string
  attribution: EvidenceAttribution
}

export interface EvidenceDeviation {
  id: string
  field: string
  acceptedValue: unknown
  reason: string
  owner: string
  approver: string
  createdAt: string
  expiresAt: string
  revokedAt: string | null
  revokedBy: string | null
}

export interface EvidenceRemediation {
  checkRunId: string
  kind: EvidenceCheck['kind']
  outcome: RunOutcome | null
  at: string
  before: unknown
  after: unknown
}

export interface EvidenceTrustChange {
  at: string
  from: string | null
  to: string | null
  detail: string
}

export interface EvidenceTrust {
  current: {
    verdict: string
    reason: string
    fix: string | null
    evaluatedAt: string
    changedAt: string
    missingPermissions: string[]
  } | null
  changes: EvidenceTrustChange[]
}

export interface EvidenceConsent {
  at: string
  action: string
  tenantId: string | null
  admin: { oid: string | null; name: string | null; username: string | null } | null
}

export interface EvidenceOnboarding {
  onboardingState: string
  consents: EvidenceConsent[]
  steps: {
    step: string
    status: string
    attempts: number
    message: string | null
    startedAt: string | null
    finishedAt: string | null
  }[]
  tenantConfirmation: { tenantId: string; confirmedBy: string | null; confirmedAt: string | null } | null
}

export interface EvidencePolicyVersion {
  version: number
  /** null for the built-in version 1 (the setup guide), in force until a version is published. */
  publishedAt: string | null
  publishedBy: string
  notes: string | null
  definition: unknown
}

/** One audit row of this customer with everything its chain hash covers (jsonb columns as text). */
export type EvidenceAuditEvent = Omit<AuditChainRow, 'at'> & { at: string; hash: string }

/**
 * The customer's audit rows of the period and the chain links between them: `links` holds the hash of every
 * chain position from the first to the last included row; rows of other customers appear there only as
 * their hash, so a verifier recomputes this customer's rows and follows the chain across the others.
 */
export interface EvidenceAuditLog {
  algorithm: string
  events: EvidenceAuditEvent[]
  links: { seq: string; hash: string }[]
  firstPrevHash: string | null
  chainHead: { seq: string | null; hash: string }
}

export interface EvidenceSummary {
  checks: number
  outcomes: Partial<Record<RunOutcome, number>>
  compliancePercent: number | null
  drifts: number
  driftsAttributed: number
  remediations: number
  deviationsAccepted: number
  deviationsOpenAtEnd: number
  trustVerdict: string | null
  meanTimeToDetectSeconds: number | null
  meanTimeToRepairSeconds: number | null
}

export interface TimelineEntry {
  at: string
  kind: string
  text: string
}

export interface EvidenceDocument {
  format: typeof EVIDENCE_FORMAT
  generatedAt: string
  period: EvidencePeriod
  partner: { name: string; tenantId: string }
  customer: {
    id: string
    name: string
    tenantId: string | null
    tenantDisplayName: string | null
    verifiedDomains: string[]
    mode: string | null
    complianceState: string
  }
  summary: EvidenceSummary
  policyVersions: EvidencePolicyVersion[]
  onboarding: EvidenceOnboarding
  checks: EvidenceCheck[]
  drifts: EvidenceDrift[]
  /** Absent from packs made before default-policy changes were recorded. */
  defaultPolicyChanges?: EvidenceDefaultPolicyChange[]
  deviations: EvidenceDeviation[]
  remediations: EvidenceRemediation[]
  trust: EvidenceTrust
  timeline: TimelineEntry[]
  auditLog: EvidenceAuditLog
}
