// What happened to a customer: the last runs (kind, outcome, what differed, how long) and the audit trail.
import type { AuditEventView, RunSummary } from '@crosstrust/services'
import { auditActionLabel, auditSummary } from '../audit/wording.ts'
import { ActorCell } from '../ui/actor.tsx'
import { Badge, TimeExact } from '../ui/badges.tsx'
import { DataTable, type Column } from '../ui/data-table.tsx'
import type { Tone } from '../format.ts'
import type { CustomerDetailView } from './presenter.ts'

const OUTCOME_TONE: Record<string, Tone> = {
  compliant: 'ok',
  remediated: 'ok',
  drifted: 'warn',
  unknown: 'neutral',
  access_lost: 'bad',
  removed: 'bad',
  failed: 'bad',
  skipped: 'neutral',
  offboarded: 'neutral',
}

function runDetails(r: RunSummary): string {
  const n = r.diff?.fields.filter((e) => e.drift).length ?? 0
  return r.errorMessage ?? (n > 0 ? `${String(n)} setting${n === 1 ? ' differs' : 's differ'}` : '')
}

function duration(ms: number | null): string {
  if (ms === null) return '—'
  return ms < 1000 ? `${String(ms)} ms` : `${(ms / 1000).toFixed(1)} s`
}

function runColumns(now: Date): Column<RunSummary>[] {
  return [
    { label: 'Started', cellClass: 'nowrap', cell: (r) => <TimeExact at={r.startedAt} now={now} /> },
    {
      label: 'Run',
      cell: (r) => (
        <>
          {r.kind} <span class="muted">· {r.trigger}</span>
        </>
      ),
    },
    {
      label: 'Outcome',
      cell: (r) =>
        r.outcome ? (
          <Badge label={r.outcome.replace('_', ' ')} tone={OUTCOME_TONE[r.outcome] ?? 'neutral'} />
        ) : (
          <Badge label="running" tone="info" />
        ),
    },
    {
      label: 'Details',
      cellClass: 'reason',
      cell: (r) => (
        <>
          {runDetails(r)}
          {r.attribution?.sentences.map((s) => (
            <span class="sub attribution">{s}</span>
          ))}
          {r.policyVersion ? <span class="sub">policy v{String(r.policyVersion)}</span> : null}
        </>
      ),
    },
    { label: 'Duration', headClass: 'num', cellClass: 'num nowrap', cell: (r) => duration(r.durationMs) },
  ]
}

export function RunHistory({ view }: { view: CustomerDetailView }) {
  return (
    <section class="panel" aria-labelledby="runs-h">
      <h2 id="runs-h">Run history</h2>
      <DataTable
        rows={view.detail.recentRuns}
        columns={runColumns(view.now)}
        class="compact"
        id="runs"
        empty={<p class="muted">No runs yet: the first one starts when the administrator consents.</p>}
      />
    </section>
  )
}

function auditColumns(now: Date): Column<AuditEventView>[] {
  return [
    { label: 'When', cellClass: 'nowrap', cell: (e) => <TimeExact at={e.at} now={now} /> },
    { label: 'Who', cell: (e) => <ActorCell event={e} /> },
    { label: 'What', cell: (e) => auditActionLabel(e.action) },
    { label: 'Details', cellClass: 'reason', cell: (e) => auditSummary(e) },
  ]
}

export function AuditTrail({ view }: { view: CustomerDetailView }) {
  return (
    <section class="panel" aria-labelledby="audit-h">
      <div class="section-head">
        <h2 id="audit-h">Audit trail</h2>
        <a href={`/audit?customerId=${view.detail.customer.id}`}>Full history</a>
      </div>
      <DataTable
        rows={view.detail.recentAudit}
        columns={auditColumns(view.now)}
        class="compact"
        id="audit"
        empty={<p class="muted">Nothing recorded yet.</p>}
      />
    </section>
  )
}
