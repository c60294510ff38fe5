// The policy in force, as a readable table (portal wording, Graph property, repairable or report-only),
// its adoption and rollout, the version history, and for Admins a form to publish a new version (JSON).
import { DomainError, type PolicyDefinition } from '@crosstrust/core'
import { currentPolicyVersion, listPolicyVersions, publishPolicyVersion } from '@crosstrust/services'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { html, type SafeHtml } from '../../html/html.ts'
import { describeDesired } from '../../html/policy-wording.ts'
import { staffActor } from '../api/actor.ts'
import { can, csrfField, sendPage } from './chrome.ts'
import type { DashboardDeps } from './deps.ts'
import type { FlashStore } from './flash.ts'
import { field, fieldErrors, formBody, userMessage } from './forms.ts'
import { badge, fieldLabel, timeAgo } from './format.ts'

interface Submitted {
  definition: string
  notes: string
  errors: string[]
}

function editable(definition: PolicyDefinition): string {
  const { version: _version, ...rest } = definition
  return JSON.stringify(rest, null, 2)
}

function policyFieldsTable(definition: PolicyDefinition, partnerName: string): SafeHtml {
  return html`<table class="compact policy-fields">
    <caption class="visually-hidden">
      Fields of policy version ${String(definition.version)}
    </caption>
    <thead>
      <tr>
        <th scope="col">Setting in Entra admin center</th>
        <th scope="col">Desired value</th>
        <th scope="col">Graph property</th>
        <th scope="col">On difference</th>
      </tr>
    </thead>
    <tbody>
      ${definition.fields.map(
        (f) =>
          html`<tr>
            <th scope="row">${fieldLabel(f.label)}</th>
            <td>${describeDesired(f, partnerName)}</td>
            <td class="mono small">${f.path}</td>
            <td>
              ${f.remediation === 'repairable' ? html`<span class="tag">Repair</span>` : html`<span class="tag report">Report only</span>`}
            </td>
          </tr>`,
      )}
    </tbody>
  </table>`
}

async function policyPage(
  request: FastifyRequest,
  reply: FastifyReply,
  deps: DashboardDeps,
  flash: FlashStore,
  submitted: Submitted | null,
) {
  const now = deps.ctx.now()
  const [current, versions] = await Promise.all([
    currentPolicyVersion(deps.ctx),
    listPolicyVersions(deps.ctx),
  ])
  const rollout = current.rollout
  const onboarded = current.compliantCustomers + current.otherCustomers
  const body = html`<div class="page-head"><h1>Partner policy</h1></div>
    <section class="panel" aria-labelledby="current-h">
      <div class="section-head">
        <h2 id="current-h">Version ${String(current.version)} <span class="muted">· in force</span></h2>
        <span class="muted"
          >${current.publishedAt ? html`published ${timeAgo(current.publishedAt, now)} by ${current.publishedBy ?? 'unknown'}` : 'built in (the setup guide)'}</span
        >
      </div>
      <p>${current.description}</p>
      ${current.notes ? html`<p class="muted">${current.notes}</p>` : ''}
      <p>
        ${badge(`${current.compliantCustomers.toLocaleString('en-US')} of ${onboarded.toLocaleString('en-US')} onboarded customers verified compliant`, current.otherCustomers === 0 ? 'ok' : 'warn')}
        ${
          rollout
            ? html` ${badge(`Rollout of v${String(rollout.version)}: ${rollout.status}, ${String(rollout.percent)}% (${String(rollout.done)}/${String(rollout.total)}${rollout.failed > 0 ? `, ${String(rollout.failed)} failed` : ''})`, rollout.status === 'completed' ? 'ok' : rollout.status === 'running' ? 'info' : 'neutral')}`
            : ''
        }
      </p>
      ${policyFieldsTable(current.definition, deps.partnerName)}
    </section>
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
          ${versions.map(
            (v) =>
              html`<tr>
                <th scope="row">v${String(v.version)}</th>
                <td>${v.description}</td>
                <td class="nowrap">${timeAgo(v.publishedAt, now, 'Built in')}</td>
                <td>${v.publishedBy ?? '—'}</td>
                <td>${v.notes ?? ''}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </section>
    ${
      can(request, 'Admin')
        ? html`<section class="panel" aria-labelledby="publish-h">
            <h2 id="publish-h">Publish version ${String(current.version + 1)}</h2>
            <p class="muted">
              Edit the definition below (the version number is assigned on publish). Publishing re-checks
              every onboarded customer against it within an hour; remediate-mode customers are repaired, the
              others report drift.
            </p>
            ${
              submitted && submitted.errors.length > 0
                ? html`<div class="notice bad" role="alert">
                    <p><strong>Nothing was published.</strong></p>
                    <ul>
                      ${submitted.errors.map((e) => html`<li>${e}</li>`)}
                    </ul>
                  </div>`
                : ''
            }
            <form method="post" action="/settings/policy" class="form" data-action="publish-policy">
              ${csrfField(request)}
              <div class="field">
                <label for="f-definition">Policy definition (JSON)</label>
                <textarea
                  id="f-definition"
                  name="definition"
                  rows="18"
                  class="mono code"
                  spellcheck="false"
                  ${submitted?.errors.length ? html`aria-invalid="true"` : ''}
                >
${submitted?.definition ?? editable(current.definition)}</textarea>
              </div>
              <div class="field">
                <label for="f-notes">Release notes</label>
                <input
                  id="f-notes"
                  name="notes"
                  maxlength="2000"
                  value="${submitted?.notes ?? ''}"
                  placeholder="What changes and why"
                />
              </div>
              <button type="submit">Publish version ${String(current.version + 1)}</button>
            </form>
          </section>`
        : ''
    }`
  return sendPage(
    request,
    reply,
    { title: 'Policy', section: 'policy', body, flash: await flash.take(request, reply) },
    submitted ? 422 : 200,
  )
}

export function policyRoutes(app: FastifyInstance, deps: DashboardDeps, flash: FlashStore) {
  app.get('/settings/policy', (request, reply) => policyPage(request, reply, deps, flash, null))

  app.post('/settings/policy', async (request, reply) => {
    const body = formBody(request)
    const definition = field(body, 'definition')
    const notes = field(body, 'notes')
    try {
      const published = await publishPolicyVersion(deps.ctx, definition, notes || null, staffActor(request))
      await flash.set(reply, {
        tone: 'ok',
        text: `Version ${String(published.version)} published. ${String(published.scheduled)} customers will be re-checked against it within the hour.`,
      })
      return await reply.redirect('/settings/policy', 303)
    } catch (err) {
      if (userMessage(err) === null || !(err instanceof DomainError)) throw err
      const issues = Object.entries(fieldErrors(err) ?? {}).map(([path, m]) => (path ? `${path}: ${m}` : m))
      const errors = [...new Set([err.detail, ...issues])]
      return policyPage(request, reply, deps, flash, { definition, notes, errors })
    }
  })
}
