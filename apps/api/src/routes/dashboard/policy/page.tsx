// The policy in force, as a readable table (portal wording, Graph property, repairable or report-only),
// its adoption and rollout, the version history, and for Admins a form to publish a new version (JSON).
import { Badge, TimeAgo } from '../ui/badges.tsx'
import { DataTable, RemediationTag, type Column } from '../ui/data-table.tsx'
import { TextField } from '../ui/fields.tsx'
import { PageHead } from '../ui/page-parts.tsx'
import { CsrfField } from '../ui/staff-page.tsx'
import type { PolicyView } from './presenter.ts'

const FIELD_COLUMNS: Column<PolicyView['fields'][number]>[] = [
  { label: 'Setting in Entra admin center', rowHeader: true, cell: (f) => f.label },
  { label: 'Desired value', cell: (f) => f.desired },
  { label: 'Graph property', cellClass: 'mono small', cell: (f) => f.path },
  {
    label: 'On difference',
    cell: (f) => <RemediationTag repairable={f.repairable} repairLabel="Repair" />,
  },
]

function versionColumns(now: Date): Column<PolicyView['versions'][number]>[] {
  return [
    { label: 'Version', rowHeader: true, cell: (v) => `v${String(v.version)}` },
    { label: 'Description', cell: (v) => v.description },
    {
      label: 'Published',
      cellClass: 'nowrap',
      cell: (v) => <TimeAgo at={v.publishedAt} now={now} empty="Built in" />,
    },
    { label: 'By', cell: (v) => v.publishedBy ?? '—' },
    { label: 'Notes', cell: (v) => v.notes ?? '' },
  ]
}

function CurrentVersion({ view }: { view: PolicyView }) {
  return (
    <section class="panel" aria-labelledby="current-h">
      <div class="section-head">
        <h2 id="current-h">
          Version {String(view.version)} <span class="muted">· in force</span>
        </h2>
        <span class="muted">
          {view.publishedAt ? (
            <>
              published <TimeAgo at={view.publishedAt} now={view.now} /> by {view.publishedBy ?? 'unknown'}
            </>
          ) : (
            'built in (the setup guide)'
          )}
        </span>
      </div>
      <p>{view.description}</p>
      {view.notes ? <p class="muted">{view.notes}</p> : null}
      <p>
        <Badge label={view.adoption.label} tone={view.adoption.tone} />
        {view.rollout ? (
          <>
            {' '}
            <Badge label={view.rollout.label} tone={view.rollout.tone} />
          </>
        ) : null}
      </p>
      <DataTable
        rows={view.fields}
        columns={FIELD_COLUMNS}
        class="compact policy-fields"
        label={`Fields of policy version ${String(view.version)}`}
      />
    </section>
  )
}

function History({ view }: { view: PolicyView }) {
  return (
    <section class="panel" aria-labelledby="history-h">
      <h2 id="history-h">History</h2>
      <DataTable rows={view.versions} columns={versionColumns(view.now)} class="compact" />
    </section>
  )
}

function PublishForm({ view }: { view: PolicyView }) {
  const p = view.publish
  if (p === null) return null
  const next = String(view.version + 1)
  return (
    <section class="panel" aria-labelledby="publish-h">
      <h2 id="publish-h">Publish version {next}</h2>
      <p class="muted">
        Edit the definition below (the version number is assigned on publish). Publishing re-checks every
        onboarded customer against it within an hour; remediate-mode customers are repaired, the others report
        drift.
      </p>
      {p.errors.length > 0 ? (
        <div class="notice bad" role="alert">
          <p>
            <strong>Nothing was published.</strong>
          </p>
          <ul>
            {p.errors.map((e) => (
              <li>{e}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <form method="post" action="/settings/policy" class="form" data-action="publish-policy">
        <CsrfField token={p.csrfToken} />
        <div class="field">
          <label for="f-definition">Policy definition (JSON)</label>
          <textarea
            id="f-definition"
            name="definition"
            rows={18}
            class="mono code"
            spellcheck={false}
            aria-invalid={p.errors.length > 0 ? 'true' : undefined}
          >
            {p.definition}
          </textarea>
        </div>
        <TextField
          name="notes"
          label="Release notes"
          value={p.notes}
          placeholder="What changes and why"
          maxlength={2000}
        />
        <button type="submit">Publish version {next}</button>
      </form>
    </section>
  )
}

export function PolicyPage({ view }: { view: PolicyView }) {
  return (
    <>
      <PageHead title="Partner policy" />
      <CurrentVersion view={view} />
      <History view={view} />
      <PublishForm view={view} />
    </>
  )
}
