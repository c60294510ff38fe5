// A customer's page: state at a glance, the onboarding timeline, the policy field by field (desired next to
// observed, as the Entra admin center words it), consent links, run history and audit trail, and a button
// for each action the signed-in person may take (none for viewers).
import {
  expectedVerificationView,
  type OnboardingState,
  type PolicyDefinition,
  type PolicyField,
} from '@crosstrust/core'
import {
  currentPolicy,
  customerDetail,
  customerTrustDetail,
  pendingTenantConfirmation,
  type CustomerDetail,
} from '@crosstrust/services'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { html, type SafeHtml } from '../../html/html.ts'
import { describeDesired } from '../../html/policy-table.ts'
import { can, csrfField, sendPage } from './chrome.ts'
import { tenantConfirmationPanel } from './tenant-confirmation.ts'
import type { DashboardDeps } from './deps.ts'
import { FIGURE4_COLUMNS, figure4Cell } from './figure4.ts'
import type { FlashStore } from './flash.ts'
import {
  STEP_LABELS,
  badge,
  complianceBadge,
  describeValue,
  fieldLabel,
  modeLabel,
  onboardingBadge,
  timeAgo,
  timeExact,
} from './format.ts'
import { actorCell, auditActionLabel, auditSummary } from './audit-format.ts'
import { trustSection } from './trust-section.ts'

const STATUS_ICON: Record<string, string> = {
  succeeded: '✓',
  failed: '!',
  running: '…',
  pending: '',
  skipped: '–',
}
/**
 * Onboarding states in which nothing moves on its own (done, failed, or waiting for an Operator to confirm
 * the tenant); in any other the work is in progress and the page refreshes itself.
 */
const SETTLED_STATES: ReadonlySet<OnboardingState> = new Set([
  'onboarded',
  'failed',
  'offboarded',
  'awaiting_confirmation',
])

interface DiffEntry {
  path: string
  accepted?: boolean
  drift?: boolean
}

function diffEntries(diff: unknown): DiffEntry[] {
  if (typeof diff !== 'object' || diff === null || !('fields' in diff)) return []
  const fields = (diff as { fields?: unknown }).fields
  return Array.isArray(fields)
    ? fields.filter((f): f is DiffEntry => typeof f === 'object' && f !== null && 'path' in f)
    : []
}

function observedValue(observed: unknown, path: string): { known: boolean; value: unknown } {
  if (typeof observed !== 'object' || observed === null) return { known: false, value: undefined }
  const record = observed as Record<string, unknown>
  return { known: true, value: record[path] ?? null }
}

function describeObserved(field: PolicyField, value: unknown): string {
  if ((value === null || value === undefined) && field.comparator === 'false_or_null')
    return 'Off (inherited)'
  return describeValue(value)
}

function header(d: CustomerDetail, deps: DashboardDeps, now: Date): SafeHtml {
  const c = d.customer
  const tenant = c.tenantId ?? c.expectedTenantId
  const domains =
    c.verifiedDomains.length > 0 ? c.verifiedDomains : c.expectedDomain ? [c.expectedDomain] : []
  return html`<nav class="crumbs" aria-label="Breadcrumb"><a href="/customers">Customers</a> / ${c.name}</nav>
    <div class="customer-head">
      <div>
        <h1 id="customer-name">${c.name}</h1>
        <p class="tenant-line">
          ${c.tenantDisplayName ? html`<span>${c.tenantDisplayName}</span>` : ''}
          ${tenant ? html`<span class="mono" title="Tenant ID">${tenant}</span>` : html`<span class="muted">Tenant not known until the administrator consents</span>`}
          ${domains.length > 0 ? html`<span>${domains.slice(0, 3).join(', ')}${domains.length > 3 ? ` +${String(domains.length - 3)}` : ''}</span>` : ''}
        </p>
      </div>
      <dl class="state-badges">
        <div>
          <dt>Onboarding</dt>
          <dd id="onboarding-state">${onboardingBadge(c.onboardingState)}</dd>
        </div>
        <div>
          <dt>Compliance</dt>
          <dd id="compliance-state">${complianceBadge(c.complianceState)}</dd>
        </div>
        <div>
          <dt>Mode</dt>
          <dd>${badge(modeLabel(c.mode, deps.defaultMode), 'info')}</dd>
        </div>
        <div>
          <dt>Last check</dt>
          <dd>${timeAgo(c.lastCheckAt, now, 'Never')}</dd>
        </div>
      </dl>
    </div>`
}

function actionBar(request: FastifyRequest, d: CustomerDetail, deps: DashboardDeps): SafeHtml {
  const c = d.customer
  const id = c.id
  const onboarded = c.onboardingState === 'onboarded'
  const gone = c.onboardingState === 'offboarding' || c.onboardingState === 'offboarded'
  const operator = can(request, 'Operator')
  const admin = can(request, 'Admin')
  if (!operator) return html``
  const post = (action: string, label: string, cls = '', hint = '') =>
    html`<form method="post" action="/customers/${id}/${action}" class="inline" data-action="${action}">
      ${csrfField(request)}<button type="submit" class="${cls}" ${hint ? html`title="${hint}"` : ''}>
        ${label}
      </button>
    </form>`
  return html`<section class="action-bar" aria-label="Actions">
    ${onboarded ? post('recheck', 'Re-check now', 'secondary', 'Read the partner entry now and compare it with the policy') : ''}
    ${
      onboarded
        ? html`<details class="popover" data-action="apply">
            <summary class="button secondary">Apply policy now…</summary>
            <form method="post" action="/customers/${id}/apply" class="popover-body">
              ${csrfField(request)}
              <p>
                Writes every <strong>repairable</strong> setting of the policy to ${c.name}’s tenant now,
                whatever the mode, then verifies it. Report-only differences and accepted deviations are left
                as they are.
              </p>
              <button type="submit">Apply now</button>
            </form>
          </details>`
        : ''
    }
    ${!gone ? post('consent-links', c.onboardingState === 'onboarded' ? 'Issue consent link' : 'Issue new consent link', onboarded ? 'secondary' : '') : ''}
    ${
      admin && c.onboardingState !== 'offboarded'
        ? html`<details class="popover" data-action="mode">
            <summary class="button secondary">Change mode</summary>
            <form method="post" action="/customers/${id}/mode" class="popover-body">
              ${csrfField(request)}
              <fieldset>
                <legend>Monitoring mode</legend>
                ${(
                  [
                    ['', `Default (${deps.defaultMode})`, 'Follow the global default.'],
                    ['report', 'Report', 'Record drift; no notification.'],
                    ['alert', 'Alert', 'Record drift and notify.'],
                    ['remediate', 'Remediate', 'Repair drift, verify, notify.'],
                  ] as const
                ).map(
                  ([value, label, hint]) =>
                    html`<label class="radio">
                      <input
                        type="radio"
                        name="mode"
                        value="${value}"
                        ${(c.mode ?? '') === value ? html`checked` : ''}
                      />
                      <span><strong>${label}</strong> <span class="muted">${hint}</span></span>
                    </label>`,
                )}
              </fieldset>
              <button type="submit">Save mode</button>
            </form>
          </details>`
        : ''
    }
    ${
      admin && !gone
        ? html`<details class="popover danger-zone" data-action="offboard">
            <summary class="button danger-outline">Offboard…</summary>
            <form method="post" action="/customers/${id}/offboard" class="popover-body">
              ${csrfField(request)}
              <p>
                Offboarding <strong>deletes the partner entry</strong> for us from ${c.name}’s cross-tenant
                access settings and stops monitoring. It cannot be undone here: onboarding again needs a new
                consent.
              </p>
              <label for="offboard-confirm">Type <strong class="mono">${c.name}</strong> to confirm</label>
              <input id="offboard-confirm" name="confirm" autocomplete="off" required />
              <label for="offboard-reason">Reason (kept in the audit trail)</label>
              <input id="offboard-reason" name="reason" autocomplete="off" maxlength="1000" />
              <button type="submit" class="danger">Offboard customer</button>
            </form>
          </details>`
        : ''
    }
  </section>`
}

function problemNotice(d: CustomerDetail): SafeHtml {
  const c = d.customer
  const failedStep = d.steps.find((s) => s.status === 'failed')
  if (c.onboardingState === 'failed') {
    return html`<div class="notice bad" role="status">
      <p>
        <strong
          >Onboarding
          failed${failedStep ? html` at “${STEP_LABELS[failedStep.step] ?? failedStep.step}”` : ''}.</strong
        >
        ${failedStep?.message ?? c.lastFailureReason ?? ''}
      </p>
      <p class="muted">Fix the cause with the customer, then issue a new consent link.</p>
    </div>`
  }
  if (c.complianceState === 'access_lost') {
    return html`<div class="notice bad" role="status">
      <p>
        <strong>Access lost.</strong>
        ${c.lastFailureReason ?? 'Consent was revoked or the app was removed in the customer’s tenant.'} Issue
        a new consent link to restore it.
      </p>
    </div>`
  }
  if (c.complianceState === 'removed_by_customer') {
    return html`<div class="notice bad" role="status">
      <p>
        <strong>Removed by the customer.</strong> The partner entry was deleted from their cross-tenant access
        settings.
      </p>
    </div>`
  }
  if (c.complianceState === 'unknown' && c.lastFailureReason) {
    return html`<div class="notice warn" role="status">
      <p><strong>Last check could not read the settings.</strong> ${c.lastFailureReason}</p>
    </div>`
  }
  return html``
}

function timeline(d: CustomerDetail, now: Date): SafeHtml {
  return html`<section class="panel" aria-labelledby="steps-h">
    <h2 id="steps-h">Onboarding</h2>
    ${d.steps.length === 0 ? html`<p class="muted">No onboarding steps recorded.</p>` : ''}
    <ol class="steps timeline" id="steps">
      ${d.steps.map(
        (s) =>
          html`<li class="${s.status}" data-step="${s.step}" data-status="${s.status}">
            <span class="icon" aria-hidden="true">${STATUS_ICON[s.status] ?? ''}</span>
            <div>
              <div class="step-title">
                ${STEP_LABELS[s.step] ?? s.step} <span class="visually-hidden">(${s.status})</span>
              </div>
              ${s.message ? html`<div class="message">${s.message}</div>` : ''}
              <div class="meta">
                ${s.finishedAt ? html`${s.status === 'failed' ? 'Failed' : 'Done'} ${timeAgo(s.finishedAt, now)}` : s.startedAt ? html`Started ${timeAgo(s.startedAt, now)}` : html`<span class="muted">${s.status === 'skipped' ? 'Skipped' : 'Not started'}</span>`}
                ${s.attempts > 1 ? html` · ${String(s.attempts)} attempts` : ''}
              </div>
            </div>
          </li>`,
      )}
    </ol>
  </section>`
}

function policySection(
  request: FastifyRequest,
  d: CustomerDetail,
  policy: PolicyDefinition,
  deps: DashboardDeps,
  now: Date,
): SafeHtml {
  const c = d.customer
  const diff = new Map(diffEntries(d.currentDiff).map((e) => [e.path, e]))
  const deviationOf = new Map(d.activeDeviations.map((dv) => [dv.field, dv]))
  const expected = expectedVerificationView(policy)
  const everObserved = d.observed !== null && d.observed !== undefined
  const operator =
    can(request, 'Operator') && c.onboardingState !== 'offboarded' && c.onboardingState !== 'offboarding'
  const driftedPaths = policy.fields.filter((f) => diff.get(f.path)?.drift).map((f) => f.path)
  const rows = policy.fields.map((f) => {
    const entry = diff.get(f.path)
    const obs = observedValue(d.observed, f.path)
    const deviation = deviationOf.get(f.path)
    let status: SafeHtml
    if (!everObserved) status = html`<span class="muted">Not checked yet</span>`
    else if (entry?.accepted && deviation)
      status = html`${badge('Accepted deviation', 'info')}
        <span class="sub">until ${timeAgo(deviation.expiresAt, now)} · ${deviation.owner}</span>`
    else if (entry?.accepted) status = badge('Accepted deviation', 'info')
    else if (entry) status = badge('Differs', f.remediation === 'repairable' ? 'warn' : 'bad')
    else status = badge('Matches', 'ok')
    return html`<tr class="${entry && !entry.accepted ? 'differs' : ''}" data-field="${f.path}">
      <th scope="row">${fieldLabel(f.label)}<span class="sub mono">${f.path}</span></th>
      <td class="desired">${describeDesired(f, deps.partnerName)}</td>
      <td class="observed ${entry && !entry.accepted ? 'bad' : ''}">
        ${everObserved ? describeObserved(f, obs.value) : html`<span class="muted">—</span>`}
      </td>
      <td>
        ${f.remediation === 'repairable' ? html`<span class="tag">Repairable</span>` : html`<span class="tag report">Report only</span>`}
      </td>
      <td>${status}</td>
    </tr>`
  })
  const defaultExpiry = new Date(now.getTime() + 30 * 86_400_000).toISOString().slice(0, 10)
  const maxExpiry = new Date(now.getTime() + 365 * 86_400_000).toISOString().slice(0, 10)
  const minExpiry = new Date(now.getTime() + 86_400_000).toISOString().slice(0, 10)
  return html`<section class="panel" aria-labelledby="diff-h" id="diff">
    <div class="section-head">
      <h2 id="diff-h">Cross-tenant access settings for ${deps.partnerName}</h2>
      <span class="muted"
        >Policy version
        ${String(policy.version)}${c.complianceState === 'compliant' && c.compliantPolicyVersion ? html` · verified compliant with v${String(c.compliantPolicyVersion)}` : ''}</span
      >
    </div>
    <table class="figure4 compact">
      <caption>
        As the customer’s Entra admin center lists it (the guide’s Figure 4)
      </caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          ${FIGURE4_COLUMNS.map(([, label]) => html`<th scope="col">${label}</th>`)}
        </tr>
      </thead>
      <tbody>
        <tr>
          <th scope="row">${deps.partnerName}</th>
          ${FIGURE4_COLUMNS.map(([key]) => figure4Cell(d.verification, expected, key))}
        </tr>
      </tbody>
    </table>
    <table class="diff">
      <caption>
        Desired and observed, field by field
      </caption>
      <colgroup>
        <col class="c-setting" />
        <col class="c-value" />
        <col class="c-value" />
        <col class="c-kind" />
        <col class="c-status" />
      </colgroup>
      <thead>
        <tr>
          <th scope="col">Setting</th>
          <th scope="col">Desired</th>
          <th scope="col">Observed</th>
          <th scope="col">On difference</th>
          <th scope="col">Status</th>
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>
    ${
      d.activeDeviations.length > 0
        ? html`<h3>Accepted deviations</h3>
            <table class="compact">
              <thead>
                <tr>
                  <th scope="col">Setting</th>
                  <th scope="col">Accepted value</th>
                  <th scope="col">Reason</th>
                  <th scope="col">Owner</th>
                  <th scope="col">Expires</th>
                  ${operator ? html`<th scope="col"><span class="visually-hidden">Actions</span></th>` : ''}
                </tr>
              </thead>
              <tbody>
                ${d.activeDeviations.map((dv) => {
                  const f = policy.fields.find((x) => x.path === dv.field)
                  return html`<tr data-deviation="${dv.id}">
                    <th scope="row">${f ? fieldLabel(f.label) : dv.field}</th>
                    <td>${describeValue(dv.acceptedValue)}</td>
                    <td>${dv.reason}</td>
                    <td>${dv.owner}</td>
                    <td>${timeAgo(dv.expiresAt, now)}</td>
                    ${
                      operator
                        ? html`<td>
                            <form
                              method="post"
                              action="/customers/${c.id}/deviations/${dv.id}/revoke"
                              class="inline"
                              data-action="revoke-deviation"
                            >
                              ${csrfField(request)}<button type="submit" class="link">Revoke</button>
                            </form>
                          </td>`
                        : ''
                    }
                  </tr>`
                })}
              </tbody>
            </table>`
        : ''
    }
    ${
      operator && everObserved
        ? html`<details class="inline-form" data-action="accept-deviation">
            <summary>Accept a deviation…</summary>
            <form method="post" action="/customers/${c.id}/deviations" class="form grid-2">
              ${csrfField(request)}
              <p class="span-2 muted">
                Accept the value currently observed for one setting: it stops counting as drift until the
                expiry date, then it is drift again. Use it for agreed exceptions, with an owner who answers
                for it.
              </p>
              <div class="field span-2">
                <label for="dev-field">Setting</label>
                <select id="dev-field" name="field" required>
                  ${policy.fields.map(
                    (f) =>
                      html`<option value="${f.path}" ${driftedPaths[0] === f.path ? html`selected` : ''}>
                        ${fieldLabel(f.label)}${diff.get(f.path)?.drift ? ' (differs now)' : ''}
                      </option>`,
                  )}
                </select>
              </div>
              <div class="field span-2">
                <label for="dev-reason">Reason</label>
                <textarea id="dev-reason" name="reason" rows="2" required maxlength="2000"></textarea>
              </div>
              <div class="field">
                <label for="dev-owner">Owner</label>
                <input
                  id="dev-owner"
                  name="owner"
                  required
                  maxlength="200"
                  value="${request.principal?.name ?? ''}"
                />
              </div>
              <div class="field">
                <label for="dev-expires">Expires on</label>
                <input
                  id="dev-expires"
                  name="expiresAt"
                  type="date"
                  required
                  value="${defaultExpiry}"
                  min="${minExpiry}"
                  max="${maxExpiry}"
                />
              </div>
              <div class="span-2"><button type="submit">Accept deviation</button></div>
            </form>
          </details>`
        : ''
    }
  </section>`
}

const LINK_LABELS: Record<string, string> = {
  open: 'Open',
  used: 'Used',
  revoked: 'Revoked',
  expired: 'Expired',
}

function linksSection(request: FastifyRequest, d: CustomerDetail, now: Date): SafeHtml {
  const operator = can(request, 'Operator')
  const tone: Record<string, 'ok' | 'info' | 'neutral' | 'warn'> = {
    open: 'info',
    used: 'ok',
    revoked: 'neutral',
    expired: 'warn',
  }
  return html`<section class="panel" aria-labelledby="links-h">
    <h2 id="links-h">Consent links</h2>
    ${
      d.consentLinks.length === 0
        ? html`<p class="muted">No link issued yet.</p>`
        : html`<ul class="links">
            ${d.consentLinks.slice(0, 6).map(
              (l) =>
                html`<li data-link="${l.id}" data-status="${l.status}">
                  <div>
                    ${badge(LINK_LABELS[l.status] ?? l.status, tone[l.status] ?? 'neutral')}
                    <span class="meta">issued ${timeAgo(l.createdAt, now)}</span>
                  </div>
                  <div class="meta">
                    ${l.status === 'used' ? html`used ${timeAgo(l.usedAt, now)}` : l.status === 'revoked' ? html`revoked ${timeAgo(l.revokedAt, now)}` : html`${l.status === 'expired' ? 'expired' : 'expires'} ${timeAgo(l.expiresAt, now)}`}
                  </div>
                  ${
                    operator && l.status === 'open'
                      ? html`<form
                          method="post"
                          action="/customers/${d.customer.id}/consent-links/${l.id}/revoke"
                          class="inline"
                          data-action="revoke-link"
                        >
                          ${csrfField(request)}<button type="submit" class="link danger-text">Revoke</button>
                        </form>`
                      : ''
                  }
                </li>`,
            )}
          </ul>`
    }
    <p class="hint">
      Links are shown only once, when issued. Lost one? Issue a new link: earlier links stop working.
    </p>
  </section>`
}

function factsSection(d: CustomerDetail, deps: DashboardDeps, now: Date): SafeHtml {
  const c = d.customer
  const contacts = Array.isArray(c.contacts)
    ? (c.contacts as { name?: string; email?: string; role?: string }[])
    : []
  return html`<section class="panel" aria-labelledby="facts-h">
    <h2 id="facts-h">Details</h2>
    <dl class="facts">
      <dt>Created</dt>
      <dd>${timeAgo(c.createdAt, now)}</dd>
      <dt>Licence</dt>
      <dd>
        ${c.licence === 'unknown' ? html`<span class="muted">Not checked yet</span>` : c.licence.toUpperCase()}
      </dd>
      <dt>Next check</dt>
      <dd>${timeAgo(c.nextCheckAt, now, 'Not scheduled')}</dd>
      <dt>Check interval</dt>
      <dd>
        ${c.checkIntervalSeconds ? `${String(Math.round(c.checkIntervalSeconds / 60))} min` : 'Default'}
      </dd>
      <dt>Mode</dt>
      <dd>${modeLabel(c.mode, deps.defaultMode)}</dd>
      ${
        contacts.length > 0
          ? html`<dt>Contacts</dt>
              <dd>
                <ul class="plain">
                  ${contacts.map(
                    (p) =>
                      html`<li>
                        ${p.name ?? ''}${p.role ? html` <span class="muted">(${p.role})</span>` : ''}<br /><a
                          href="mailto:${p.email ?? ''}"
                          >${p.email ?? ''}</a
                        >
                      </li>`,
                  )}
                </ul>
              </dd>`
          : ''
      }
      ${
        c.notes
          ? html`<dt>Notes</dt>
              <dd class="notes">${c.notes}</dd>`
          : ''
      }
      <dt>Customer ID</dt>
      <dd class="mono small">${c.id}</dd>
    </dl>
  </section>`
}

const OUTCOME_TONE: Record<string, 'ok' | 'warn' | 'bad' | 'info' | 'neutral'> = {
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

function runsSection(d: CustomerDetail, now: Date): SafeHtml {
  return html`<section class="panel" aria-labelledby="runs-h">
    <h2 id="runs-h">Run history</h2>
    ${
      d.recentRuns.length === 0
        ? html`<p class="muted">No runs yet: the first one starts when the administrator consents.</p>`
        : html`<table class="compact" id="runs">
            <thead>
              <tr>
                <th scope="col">Started</th>
                <th scope="col">Run</th>
                <th scope="col">Outcome</th>
                <th scope="col">Details</th>
                <th scope="col" class="num">Duration</th>
              </tr>
            </thead>
            <tbody>
              ${d.recentRuns.map((r) => {
                const n = diffEntries(r.diff).filter((e) => e.drift).length
                return html`<tr>
                  <td class="nowrap">${timeExact(r.startedAt, now)}</td>
                  <td>${r.kind} <span class="muted">· ${r.trigger}</span></td>
                  <td>
                    ${r.outcome ? badge(r.outcome.replace('_', ' '), OUTCOME_TONE[r.outcome] ?? 'neutral') : badge('running', 'info')}
                  </td>
                  <td class="reason">
                    ${r.errorMessage ?? (n > 0 ? `${String(n)} setting${n === 1 ? ' differs' : 's differ'}` : '')}
                    ${r.policyVersion ? html`<span class="sub">policy v${String(r.policyVersion)}</span>` : ''}
                  </td>
                  <td class="num nowrap">
                    ${r.durationMs === null ? '—' : r.durationMs < 1000 ? `${String(r.durationMs)} ms` : `${(r.durationMs / 1000).toFixed(1)} s`}
                  </td>
                </tr>`
              })}
            </tbody>
          </table>`
    }
  </section>`
}

function auditSection(d: CustomerDetail, now: Date): SafeHtml {
  return html`<section class="panel" aria-labelledby="audit-h">
    <div class="section-head">
      <h2 id="audit-h">Audit trail</h2>
      <a href="/audit?customerId=${d.customer.id}">Full history</a>
    </div>
    ${
      d.recentAudit.length === 0
        ? html`<p class="muted">Nothing recorded yet.</p>`
        : html`<table class="compact" id="audit">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">What</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              ${d.recentAudit.map(
                (e) =>
                  html`<tr>
                    <td class="nowrap">${timeExact(e.at, now)}</td>
                    <td>${actorCell(e)}</td>
                    <td>${auditActionLabel(e.action)}</td>
                    <td class="reason">${auditSummary(e)}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
    }
  </section>`
}

export function customerDetailRoutes(app: FastifyInstance, deps: DashboardDeps, flash: FlashStore) {
  app.get('/customers/:id', async (request, reply) => {
    const { id } = z.object({ id: z.string().max(64) }).parse(request.params)
    const now = deps.ctx.now()
    const [detail, policy, trust] = await Promise.all([
      customerDetail(deps.ctx.db, id, { now, recentRuns: 10, recentAudit: 15 }),
      currentPolicy(deps.ctx.db),
      customerTrustDetail(deps.ctx.db, id),
    ])
    const pending = await pendingTenantConfirmation(deps.ctx, id)
    const waiting = !SETTLED_STATES.has(detail.customer.onboardingState)
    const body = html`${header(detail, deps, now)} ${actionBar(request, detail, deps)}
      ${problemNotice(detail)} ${tenantConfirmationPanel(request, pending)}
      ${waiting ? html`<p class="live muted" data-refresh="5" role="status">This page refreshes itself while onboarding is in progress.</p>` : ''}
      <div class="detail-grid">
        <div class="main-col">
          ${detail.customer.onboardingState === 'onboarded' || trust !== null ? trustSection(request, detail.customer.id, trust, now) : ''}
          ${policySection(request, detail, policy, deps, now)} ${runsSection(detail, now)}
          ${auditSection(detail, now)}
        </div>
        <aside class="side-col" aria-label="Onboarding and links">
          ${timeline(detail, now)} ${linksSection(request, detail, now)} ${factsSection(detail, deps, now)}
        </aside>
      </div>`
    return sendPage(request, reply, {
      title: detail.customer.name,
      section: 'customers',
      body,
      flash: await flash.take(request, reply),
      ...(waiting ? { refreshSeconds: 5 } : {}),
    })
  })
}
