// The PDF rendering of an evidence document: the same data as the JSON, laid out for a person.
import { attributionText, formatDuration, type EvidenceDocument } from '@crosstrust/core'
import { createPdf, facts, finish, paragraph, section, table, title } from './pdf-layout.ts'

const day = (iso: string) => iso.slice(0, 10)
const minute = (iso: string | null) => (iso === null ? '-' : `${iso.slice(0, 16).replace('T', ' ')} UTC`)
const percent = (value: number | null) => (value === null ? '-' : `${String(value)} %`)

/** The drifted fields of a run's compact diff ({ status, removalKind, fields: [{ path, … }] }). */
function changedFields(diff: unknown): string {
  const fields: unknown = typeof diff === 'object' && diff !== null && 'fields' in diff ? diff.fields : null
  if (!Array.isArray(fields)) return '-'
  const paths = fields.flatMap((d: unknown) =>
    typeof d === 'object' && d !== null && 'path' in d && typeof d.path === 'string' ? [d.path] : [],
  )
  return paths.length === 0 ? '-' : paths.join(', ')
}

/** Which members of the partner entry a repair changed (two levels deep, as the policy's paths are). */
function repairedFields(before: unknown, after: unknown): string {
  const members = (v: unknown): Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {}
  const paths: string[] = []
  const b = members(before)
  const a = members(after)
  for (const key of new Set([...Object.keys(b), ...Object.keys(a)])) {
    if (JSON.stringify(b[key]) === JSON.stringify(a[key])) continue
    const inner = new Set([...Object.keys(members(b[key])), ...Object.keys(members(a[key]))])
    const changed = [...inner].filter(
      (k) => JSON.stringify(members(b[key])[k]) !== JSON.stringify(members(a[key])[k]),
    )
    paths.push(...(changed.length === 0 ? [key] : changed.map((k) => `${key}.${k}`)))
  }
  return paths.length === 0 ? '-' : paths.join(', ')
}

function summaryPairs(d: EvidenceDocument): [string, string][] {
  const s = d.summary
  const outcomes = Object.entries(s.outcomes)
    .map(([outcome, n]) => `${outcome.replace('_', ' ')} ${String(n)}`)
    .join(', ')
  return [
    [
      'Customer',
      `${d.customer.name}${d.customer.tenantDisplayName ? ` (${d.customer.tenantDisplayName})` : ''}`,
    ],
    ['Tenant', d.customer.tenantId ?? 'not bound'],
    ['Period', `${minute(d.period.from)} to ${minute(d.period.to)}`],
    ['Runs', `${String(s.checks)}${outcomes ? ` (${outcomes})` : ''}`],
    ['Compliance', percent(s.compliancePercent)],
    ['Drifts', `${String(s.drifts)} (${String(s.driftsAttributed)} attributed)`],
    ['Mean time to detect', formatDuration(s.meanTimeToDetectSeconds)],
    ['Mean time to repair', formatDuration(s.meanTimeToRepairSeconds)],
    ['Remediations', String(s.remediations)],
    [
      'Accepted deviations',
      `${String(s.deviationsAccepted)} (${String(s.deviationsOpenAtEnd)} open at the end)`,
    ],
    ['Effective trust', s.trustVerdict?.replace('_', ' ') ?? 'not evaluated'],
    [
      'Audit events',
      `${String(d.auditLog.events.length)} in the period, chain head ${d.auditLog.chainHead.seq ?? '-'}`,
    ],
  ]
}

export async function renderEvidencePdf(d: EvidenceDocument, documentSha256: string): Promise<Buffer> {
  const name = d.customer.name
  const { doc, done } = createPdf({
    title: `Evidence pack: ${name}`,
    subject: `${day(d.period.from)} to ${day(d.period.to)}`,
  })
  title(doc, `Evidence pack: ${name}`, [
    `Period ${minute(d.period.from)} to ${minute(d.period.to)}`,
    `Partner ${d.partner.name} (tenant ${d.partner.tenantId})`,
    `Generated ${minute(d.generatedAt)}; document SHA-256 ${documentSha256}`,
  ])

  section(doc, 'Summary')
  facts(doc, summaryPairs(d))

  section(doc, 'Onboarding record')
  table(
    doc,
    [
      { header: 'When', weight: 2 },
      { header: 'What', weight: 2 },
      { header: 'Administrator', weight: 3 },
      { header: 'Tenant', weight: 3 },
    ],
    d.onboarding.consents.map((c) => [
      minute(c.at),
      c.action,
      [c.admin?.username, c.admin?.name].filter(Boolean).join(', ') || '-',
      c.tenantId ?? '-',
    ]),
    'No consent recorded.',
  )
  if (d.onboarding.tenantConfirmation) {
    const t = d.onboarding.tenantConfirmation
    paragraph(
      doc,
      `Tenant ${t.tenantId} confirmed by ${t.confirmedBy ?? 'staff'} at ${minute(t.confirmedAt)}.`,
    )
  }

  section(doc, 'Policy versions in force')
  table(
    doc,
    [
      { header: 'Version', weight: 1 },
      { header: 'Published', weight: 2 },
      { header: 'By', weight: 2 },
      { header: 'Notes', weight: 5 },
    ],
    d.policyVersions.map((v) => [String(v.version), minute(v.publishedAt), v.publishedBy, v.notes ?? '-']),
  )

  section(doc, 'Drift and who made it')
  table(
    doc,
    [
      { header: 'Detected', weight: 2 },
      { header: 'Finding', weight: 2 },
      { header: 'Fields', weight: 3 },
      { header: 'Attribution', weight: 5 },
    ],
    d.drifts.map((x) => [
      minute(x.detectedAt),
      x.outcome,
      changedFields(x.diff),
      attributionText(x.attribution),
    ]),
    'No drift in the period.',
  )

  section(doc, 'Accepted deviations')
  table(
    doc,
    [
      { header: 'Field', weight: 3 },
      { header: 'Reason', weight: 4 },
      { header: 'Owner', weight: 2 },
      { header: 'Approver', weight: 2 },
      { header: 'Expires', weight: 2 },
    ],
    d.deviations.map((x) => [
      x.field,
      x.reason,
      x.owner,
      x.approver,
      day(x.expiresAt) + (x.revokedAt ? ` (revoked ${day(x.revokedAt)})` : ''),
    ]),
  )

  section(doc, 'Remediations')
  table(
    doc,
    [
      { header: 'When', weight: 2 },
      { header: 'Run', weight: 2 },
      { header: 'Outcome', weight: 2 },
      { header: 'Repaired fields', weight: 5 },
    ],
    d.remediations.map((r) => [minute(r.at), r.kind, r.outcome ?? '-', repairedFields(r.before, r.after)]),
    'No remediation in the period.',
  )

  section(doc, 'Effective trust')
  const trust = d.trust.current
  paragraph(
    doc,
    trust
      ? `${trust.verdict.replace('_', ' ')}: ${trust.reason}${trust.fix ? ` Fix: ${trust.fix}` : ''}`
      : 'Not evaluated yet.',
  )
  table(
    doc,
    [
      { header: 'When', weight: 2 },
      { header: 'Change', weight: 8 },
    ],
    d.trust.changes.map((c) => [minute(c.at), c.detail]),
    'No verdict change in the period.',
  )

  section(doc, 'Timeline')
  table(
    doc,
    [
      { header: 'When', weight: 2 },
      { header: 'Event', weight: 8 },
    ],
    d.timeline.map((t) => [minute(t.at), t.text]),
    'Nothing happened in the period.',
  )

  section(doc, 'Audit log and hash chain')
  const log = d.auditLog
  paragraph(
    doc,
    `${String(log.events.length)} audit events of this customer, chain positions ${log.events[0]?.seq ?? '-'} to ${log.events[log.events.length - 1]?.seq ?? '-'}; ` +
      `the first links to ${log.firstPrevHash ?? '-'}. Chain head at export: position ${log.chainHead.seq ?? '-'}, hash ${log.chainHead.hash}. ` +
      'The JSON document holds every row and link needed to recompute the hashes.',
  )
  table(
    doc,
    [
      { header: 'Position', weight: 1 },
      { header: 'When', weight: 2 },
      { header: 'Action', weight: 3 },
      { header: 'Actor', weight: 3 },
    ],
    log.events.map((e) => [e.seq, minute(e.at), e.action, e.actorName ?? e.actorType]),
  )

  finish(doc, `Crosstrust evidence pack - ${name} - ${day(d.period.from)} to ${day(d.period.to)}`)
  return done
}
