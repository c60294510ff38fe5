// Assembles the evidence document from the facts the service collected: the summary figures and the timeline
// are derived here, so the JSON, the PDF and the fleet report all tell the same story.
import {
  compliancePercent,
  driftEpisodes,
  meanTimeToDetectSeconds,
  meanTimeToRepairSeconds,
  type MetricRun,
} from './drift-metrics.ts'
import {
  EVIDENCE_FORMAT,
  type AttributionEntry,
  type EvidenceAttribution,
  type EvidenceCheck,
  type EvidenceDocument,
  type EvidenceDrift,
  type EvidenceSummary,
  type RunOutcome,
  type TimelineEntry,
} from './types.ts'

export type EvidenceFacts = Omit<EvidenceDocument, 'format' | 'summary' | 'timeline'>

export function metricRuns(checks: readonly EvidenceCheck[], drifts: readonly EvidenceDrift[]): MetricRun[] {
  const attribution = new Map(drifts.map((d) => [d.checkRunId, d.attribution]))
  return checks.map((c) => ({
    id: c.id,
    kind: c.kind,
    outcome: c.outcome,
    at: new Date(c.finishedAt ?? c.startedAt),
    attribution: attribution.get(c.id) ?? null,
  }))
}

export function summariseEvidence(facts: EvidenceFacts): EvidenceSummary {
  const outcomes: Partial<Record<RunOutcome, number>> = {}
  for (const check of facts.checks) {
    if (check.outcome !== null) outcomes[check.outcome] = (outcomes[check.outcome] ?? 0) + 1
  }
  const runs = metricRuns(facts.checks, facts.drifts)
  const episodes = driftEpisodes(runs)
  const end = new Date(facts.period.to).getTime()
  return {
    checks: facts.checks.length,
    outcomes,
    compliancePercent: compliancePercent(runs),
    drifts: facts.drifts.length,
    driftsAttributed: facts.drifts.filter((d) => d.attribution?.status === 'found').length,
    remediations: facts.remediations.length,
    deviationsAccepted: facts.deviations.length,
    deviationsOpenAtEnd: facts.deviations.filter(
      (d) =>
        new Date(d.expiresAt).getTime() > end &&
        (d.revokedAt === null || new Date(d.revokedAt).getTime() > end),
    ).length,
    trustVerdict: facts.trust.current?.verdict ?? null,
    meanTimeToDetectSeconds: meanTimeToDetectSeconds(episodes),
    meanTimeToRepairSeconds: meanTimeToRepairSeconds(episodes),
  }
}

function actorName(entry: AttributionEntry): string {
  const a = entry.actor
  if (a.type === 'user') return a.userPrincipalName ?? a.displayName ?? 'an unnamed user'
  return a.displayName ? `app ${a.displayName}` : `app ${a.appId ?? a.servicePrincipalId ?? 'unknown'}`
}

const utc = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`

/** One sentence on who made a change, for the PDF and the timeline. */
export function attributionText(attribution: EvidenceAttribution | null): string {
  if (attribution === null) return 'no attribution recorded'
  switch (attribution.status) {
    case 'not_enabled':
      return 'attribution not enabled'
    case 'pending':
      return 'attribution pending: the directory audit log has no entry yet'
    case 'not_found':
      return 'no change found in the directory audit log'
    case 'failed':
      return `attribution lookup failed${attribution.errorMessage ? `: ${attribution.errorMessage}` : ''}`
    case 'found': {
      const foreign = attribution.entries.filter((e) => !e.ours)
      if (foreign.length === 0) return 'changed by Crosstrust itself'
      return foreign.map((e) => `${e.activity} by ${actorName(e)} at ${utc(e.activityDateTime)}`).join('; ')
    }
  }
}

const DRIFT_LABEL: Partial<Record<RunOutcome, string>> = {
  drifted: 'Drift found',
  removed: 'Partner entry removed by the customer',
  remediated: 'Drift found and repaired',
}

export function buildTimeline(facts: EvidenceFacts): TimelineEntry[] {
  const entries: TimelineEntry[] = []
  for (const c of facts.onboarding.consents) {
    const who = c.admin?.username ?? c.admin?.name ?? 'an administrator'
    entries.push({ at: c.at, kind: c.action, text: `${c.action}: ${who}, tenant ${c.tenantId ?? 'unknown'}` })
  }
  for (const v of facts.policyVersions) {
    if (v.publishedAt === null) continue
    entries.push({
      at: v.publishedAt,
      kind: 'policy.published',
      text: `Policy version ${String(v.version)} published by ${v.publishedBy}`,
    })
  }
  let previous: RunOutcome | null = null
  for (const c of facts.checks) {
    const drift = facts.drifts.find((d) => d.checkRunId === c.id)
    const at = c.finishedAt ?? c.startedAt
    if (drift) {
      const label = DRIFT_LABEL[drift.outcome] ?? 'Drift found'
      entries.push({
        at,
        kind: `drift.${drift.outcome}`,
        text: `${label}: ${attributionText(drift.attribution)}`,
      })
    } else if (c.outcome !== null && c.outcome !== previous && c.outcome !== 'skipped') {
      entries.push({
        at,
        kind: `${c.kind}.${c.outcome}`,
        text: `${c.kind} run: ${c.outcome.replace('_', ' ')}`,
      })
    }
    if (c.outcome !== null && c.outcome !== 'skipped') previous = c.outcome
  }
  for (const change of facts.defaultPolicyChanges ?? []) {
    entries.push({
      at: change.detectedAt,
      kind: 'default_policy.changed',
      text: `Default cross-tenant access settings changed: ${attributionText(change.attribution)}`,
    })
  }
  for (const d of facts.deviations) {
    entries.push({
      at: d.createdAt,
      kind: 'deviation.accepted',
      text: `Deviation accepted on ${d.field} by ${d.approver} (owner ${d.owner}, until ${d.expiresAt.slice(0, 10)}): ${d.reason}`,
    })
    if (d.revokedAt !== null) {
      entries.push({
        at: d.revokedAt,
        kind: 'deviation.revoked',
        text: `Deviation on ${d.field} revoked by ${d.revokedBy ?? 'staff'}`,
      })
    }
  }
  for (const t of facts.trust.changes) {
    entries.push({ at: t.at, kind: 'trust.changed', text: t.detail })
  }
  const from = new Date(facts.period.from).getTime()
  const to = new Date(facts.period.to).getTime()
  return entries
    .filter((e) => {
      const t = new Date(e.at).getTime()
      return t >= from && t <= to
    })
    .sort((a, b) => a.at.localeCompare(b.at))
}

export function assembleEvidence(facts: EvidenceFacts): EvidenceDocument {
  return {
    format: EVIDENCE_FORMAT,
    ...facts,
    summary: summariseEvidence(facts),
    timeline: buildTimeline(facts),
  }
}
