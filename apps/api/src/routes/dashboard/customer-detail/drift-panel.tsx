// "Who changed it": the drifts the checks found, newest first, each with who made the change, when, which
// activity and the changed properties, from the customer's directory audit log (docs/attribution.md). An
// Admin switches attribution on or off; without it (or without the audit-log consent) the panel says how
// to enable it.
import type { AttributionView, DriftView } from '@crosstrust/services'
import type { Tone } from '../format.ts'
import { Badge, TimeExact } from '../ui/badges.tsx'
import { CsrfField } from '../ui/staff-page.tsx'
import type { CustomerDetailView } from './presenter.ts'

const STATUS: Record<AttributionView['status'], [string, Tone]> = {
  found: ['Found', 'ok'],
  pending: ['Looking', 'info'],
  not_found: ['Not found', 'neutral'],
  not_enabled: ['Attribution not enabled', 'warn'],
  failed: ['Lookup failed', 'bad'],
}

function DriftItem({ drift, now }: { drift: DriftView; now: Date }) {
  const a = drift.attribution
  const [label, tone] = STATUS[a.status]
  return (
    <li data-run={drift.checkRunId} data-status={a.status}>
      <div>
        <Badge label={label} tone={tone} />{' '}
        <span class="meta">
          {a.subject === 'default_policy' ? 'default policy changed ' : 'drift found '}
        </span>
        <TimeExact at={drift.foundAt} now={now} />
      </div>
      <ul class="plain">
        {a.sentences.map((s) => (
          <li class="attribution">{s}</li>
        ))}
      </ul>
      {a.entries.length > 0 ? (
        <details>
          <summary>Audit entries ({String(a.entries.length)})</summary>
          <ul class="plain small">
            {a.entries.map((e) => (
              <li>
                <span class="mono">{e.activityDateTime}</span> · {e.activity}
                {e.ours ? <span class="muted"> (ours)</span> : null}
                {e.modifiedProperties.map((p) => (
                  <div class="mono small">
                    {p.name}: {p.oldValue ?? 'null'} → {p.newValue ?? 'null'}
                  </div>
                ))}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </li>
  )
}

export function DriftPanel({ view }: { view: CustomerDetailView }) {
  const { drift } = view
  const base = `/customers/${view.detail.customer.id}`
  return (
    <section class="panel" aria-labelledby="drift-h" id="drift">
      <div class="section-head">
        <h2 id="drift-h">Who changed it</h2>
        {drift.canSwitch ? (
          <form method="post" action={`${base}/attribution`} class="inline" data-action="attribution">
            <CsrfField token={view.viewer.csrfToken} />
            <input type="hidden" name="enabled" value={drift.enabled ? 'false' : 'true'} />
            <button type="submit" class="secondary">
              {drift.enabled ? 'Disable attribution' : 'Enable attribution'}
            </button>
          </form>
        ) : null}
      </div>
      {drift.enabled ? null : (
        <p class="muted">
          Attribution not enabled. Enabled, every drift a check finds is looked up in the customer's directory
          audit log (who, when, which setting). The tenant's administrator must also grant AuditLog.Read.All
          and Directory.Read.All: send a fresh consent link, whose page lists them as new.
        </p>
      )}
      {drift.items.length === 0 ? (
        <p class="muted">No drift found yet.</p>
      ) : (
        <ol class="plain drifts">
          {drift.items.map((d) => (
            <DriftItem drift={d} now={view.now} />
          ))}
        </ol>
      )}
    </section>
  )
}
