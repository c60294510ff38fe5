// What happened to a customer: the last runs (kind, outcome, what differed, how long) and the audit trail.
import type { RunSummary } from '@crosstrust/services'
import { auditActionLabel, auditSummary } from '../audit/wording.ts'
import { ActorCell } from '../ui/actor.tsx'
import { Badge, TimeExact } from '../ui/badges.tsx'
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

export function RunHistory({ view }: { view: CustomerDetailView }) {
  const runs = view.detail.recentRuns
  return (
    <section class="panel" aria-labelledby="runs-h">
      <h2 id="runs-h">Run history</h2>
      {runs.length === 0 ? (
        <p class="muted">No runs yet: the first one starts when the administrator consents.</p>
      ) : (
        <table class="compact" id="runs">
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">Run</th>
              <th scope="col">Outcome</th>
              <th scope="col">Details</th>
              <th scope="col" class="num">
                Duration
              </th>
            </tr>
          </thead>
          <tbody>
            {runs.map((r) => (
              <tr>
                <td class="nowrap">
                  <TimeExact at={r.startedAt} now={view.now} />
                </td>
                <td>
                  {r.kind} <span class="muted">· {r.trigger}</span>
                </td>
                <td>
                  {r.outcome ? (
                    <Badge label={r.outcome.replace('_', ' ')} tone={OUTCOME_TONE[r.outcome] ?? 'neutral'} />
                  ) : (
                    <Badge label="running" tone="info" />
                  )}
                </td>
                <td class="reason">
                  {runDetails(r)}
                  {r.policyVersion ? <span class="sub">policy v{String(r.policyVersion)}</span> : null}
                </td>
                <td class="num nowrap">{duration(r.durationMs)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}

export function AuditTrail({ view }: { view: CustomerDetailView }) {
  const events = view.detail.recentAudit
  return (
    <section class="panel" aria-labelledby="audit-h">
      <div class="section-head">
        <h2 id="audit-h">Audit trail</h2>
        <a href={`/audit?customerId=${view.detail.customer.id}`}>Full history</a>
      </div>
      {events.length === 0 ? (
        <p class="muted">Nothing recorded yet.</p>
      ) : (
        <table class="compact" id="audit">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">What</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {events.map((e) => (
              <tr>
                <td class="nowrap">
                  <TimeExact at={e.at} now={view.now} />
                </td>
                <td>
                  <ActorCell event={e} />
                </td>
                <td>{auditActionLabel(e.action)}</td>
                <td class="reason">{auditSummary(e)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}
