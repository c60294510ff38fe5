// The policy in force, as a readable table (portal wording, Graph property, repairable or report-only),
// its adoption and rollout, the version history, and for Admins a form to publish a new version (JSON).
import { Badge, TimeAgo } from '../ui/badges.tsx'
import { CsrfField } from '../ui/staff-page.tsx'
import type { PolicyView } from './presenter.ts'

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
      <table class="compact policy-fields">
        <caption class="visually-hidden">Fields of policy version {String(view.version)}</caption>
        <thead>
          <tr>
            <th scope="col">Setting in Entra admin center</th>
            <th scope="col">Desired value</th>
            <th scope="col">Graph property</th>
            <th scope="col">On difference</th>
          </tr>
        </thead>
        <tbody>
          {view.fields.map((f) => (
            <tr>
              <th scope="row">{f.label}</th>
              <td>{f.desired}</td>
              <td class="mono small">{f.path}</td>
              <td>
                {f.repairable ? <span class="tag">Repair</span> : <span class="tag report">Report only</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}

function History({ view }: { view: PolicyView }) {
  return (
    <section class="panel" aria-labelledby="history-h">
      <h2 id="history-h">History</h2>
      <table class="compact">
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Description</th>
            <th scope="col">Published</th>
            <th scope="col">By</th>
            <th scope="col">Notes</th>
          </tr>
        </thead>
        <tbody>
          {view.versions.map((v) => (
            <tr>
              <th scope="row">v{String(v.version)}</th>
              <td>{v.description}</td>
              <td class="nowrap">
                <TimeAgo at={v.publishedAt} now={view.now} empty="Built in" />
              </td>
              <td>{v.publishedBy ?? '—'}</td>
              <td>{v.notes ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
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
        <div class="field">
          <label for="f-notes">Release notes</label>
          <input
            id="f-notes"
            name="notes"
            maxlength={2000}
            value={p.notes}
            placeholder="What changes and why"
          />
        </div>
        <button type="submit">Publish version {next}</button>
      </form>
    </section>
  )
}

export function PolicyPage({ view }: { view: PolicyView }) {
  return (
    <>
      <div class="page-head">
        <h1>Partner policy</h1>
      </div>
      <CurrentVersion view={view} />
      <History view={view} />
      <PublishForm view={view} />
    </>
  )
}
