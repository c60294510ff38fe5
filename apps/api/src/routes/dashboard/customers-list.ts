// The customer list: filters, free-text search, sort and keyset pagination (next and previous) over the
// read-side query `listCustomers`, with the guide's Figure 4 columns next to onboarding and compliance.
import { TRUST_VERDICTS } from '@crosstrust/core'
import { TRUST_LABELS, trustBadge } from './trust-section.ts'
import { expectedVerificationView, type VerificationView } from '@crosstrust/core'
import {
  COMPLIANCE_STATE_VALUES,
  ONBOARDING_STATE_VALUES,
  currentPolicy,
  listCustomers,
  type CustomerListRow,
  type CustomerSort,
} from '@crosstrust/services'
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { html, type SafeHtml } from '../../html/html.ts'
import { can, sendPage } from './chrome.ts'
import type { DashboardDeps } from './deps.ts'
import { FIGURE4_COLUMNS, figure4Cell } from './figure4.ts'
import type { FlashStore } from './flash.ts'
import { pageLinks, pagePosition, withQuery } from './pager.ts'
import {
  COMPLIANCE_LABELS,
  MODE_LABELS,
  ONBOARDING_LABELS,
  STEP_ACTIONS,
  complianceBadge,
  modeLabel,
  onboardingBadge,
  timeAgo,
} from './format.ts'

const PAGE_SIZE = 25

const SORT_CHOICES: readonly (readonly [
  key: string,
  label: string,
  sort: CustomerSort,
  order: 'asc' | 'desc',
])[] = [
  ['newest', 'Newest first', 'createdAt', 'desc'],
  ['oldest', 'Oldest first', 'createdAt', 'asc'],
  ['name', 'Name A–Z', 'name', 'asc'],
  ['name-desc', 'Name Z–A', 'name', 'desc'],
  ['checked', 'Last checked (recent first)', 'lastCheckAt', 'desc'],
  ['changed', 'Compliance changed (recent first)', 'complianceChangedAt', 'desc'],
]

const empty = (v: unknown) => (v === '' ? undefined : v)
const listQuery = z.object({
  q: z.preprocess(empty, z.string().trim().max(200).optional()).catch(undefined),
  onboardingState: z.preprocess(empty, z.enum(ONBOARDING_STATE_VALUES).optional()).catch(undefined),
  complianceState: z.preprocess(empty, z.enum(COMPLIANCE_STATE_VALUES).optional()).catch(undefined),
  mode: z.preprocess(empty, z.enum(['report', 'alert', 'remediate', 'default']).optional()).catch(undefined),
  trust: z.preprocess(empty, z.enum(TRUST_VERDICTS).optional()).catch(undefined),
  sort: z.preprocess(empty, z.string().max(20).optional()).catch(undefined),
})

function filterSelect(
  name: string,
  label: string,
  value: string | undefined,
  options: readonly (readonly [string, string])[],
): SafeHtml {
  return html`<div class="field">
    <label for="flt-${name}">${label}</label>
    <select id="flt-${name}" name="${name}">
      <option value="">Any</option>
      ${options.map(([v, l]) => html`<option value="${v}" ${v === value ? html`selected` : ''}>${l}</option>`)}
    </select>
  </div>`
}

function tenantLine(row: CustomerListRow): SafeHtml {
  const domain = row.verifiedDomains[0] ?? row.expectedDomain
  const id = row.tenantId ?? row.expectedTenantId
  if (domain) return html`<span class="sub">${domain}</span>`
  if (id) return html`<span class="sub mono">${id}</span>`
  return html`<span class="sub muted">Tenant not known yet</span>`
}

function stepCell(row: CustomerListRow, now: Date): SafeHtml {
  if (row.onboardingState === 'onboarded' || row.currentStep === null)
    return onboardingBadge(row.onboardingState)
  const step = row.currentStep
  return html`${onboardingBadge(row.onboardingState)}
    <span class="sub ${step.status === 'failed' ? 'bad-text' : ''}"
      >${step.status === 'failed' ? 'Failed at: ' : 'Next: '}${STEP_ACTIONS[step.step] ?? step.step}
      ${step.since ? html`· ${timeAgo(step.since, now)}` : ''}</span
    >`
}

export function customerRow(
  row: CustomerListRow,
  expected: VerificationView,
  now: Date,
  defaultMode: string,
): SafeHtml {
  return html`<tr data-customer-id="${row.id}">
    <th scope="row" class="name-cell">
      <a href="/customers/${row.id}">${row.name}</a>
      ${tenantLine(row)}
    </th>
    <td>${stepCell(row, now)}</td>
    <td>${complianceBadge(row.complianceState)}</td>
    <td>${trustBadge(row.trust)}</td>
    ${FIGURE4_COLUMNS.map(([key]) => figure4Cell(row.verification, expected, key))}
    <td class="nowrap">${modeLabel(row.mode, defaultMode)}</td>
    <td class="nowrap">${timeAgo(row.lastCheckAt, now, 'Never')}</td>
  </tr>`
}

export function customerTableHead(sort?: CustomerSort, order?: 'asc' | 'desc'): SafeHtml {
  const sorted = (key: CustomerSort) =>
    sort === key ? html`aria-sort="${order === 'asc' ? 'ascending' : 'descending'}"` : ''
  return html`<thead>
    <tr>
      <th scope="col" rowspan="2" ${sorted('name')}>Customer</th>
      <th scope="col" rowspan="2">Onboarding</th>
      <th scope="col" rowspan="2">Compliance</th>
      <th scope="col" rowspan="2" title="Will the partner's operators stop being prompted?">
        Trust effective
      </th>
      <th scope="colgroup" colspan="3" class="group">Entra admin center view (guide, Figure 4)</th>
      <th scope="col" rowspan="2">Mode</th>
      <th scope="col" rowspan="2" class="nowrap" ${sorted('lastCheckAt')}>Last check</th>
    </tr>
    <tr>
      ${FIGURE4_COLUMNS.map(([, label]) => html`<th scope="col" class="f4-head">${label}</th>`)}
    </tr>
  </thead>`
}

export function customerListRoutes(app: FastifyInstance, deps: DashboardDeps, flash: FlashStore) {
  app.get('/customers', async (request, reply) => {
    const q = listQuery.parse(request.query)
    const choice = SORT_CHOICES.find(([key]) => key === q.sort) ?? SORT_CHOICES[0]
    if (!choice) throw new Error('no sort choices')
    const [sortKey, , sort, order] = choice
    const now = deps.ctx.now()
    const filters = {
      ...(q.q ? { q: q.q } : {}),
      ...(q.onboardingState ? { onboardingState: q.onboardingState } : {}),
      ...(q.complianceState ? { complianceState: q.complianceState } : {}),
      ...(q.mode ? { mode: q.mode } : {}),
      ...(q.trust ? { trust: q.trust } : {}),
    }
    const base = { ...filters, ...(q.sort ? { sort: q.sort } : {}) }
    let pos = pagePosition(request.query)
    const policy = await currentPolicy(deps.ctx.db)
    let page
    try {
      page = await listCustomers(deps.ctx.db, {
        ...filters,
        sort,
        order,
        limit: PAGE_SIZE,
        cursor: pos.cursor,
      })
    } catch (err) {
      // A stale or hand-edited cursor (or one from another sort): show the first page, not an error.
      if (!(err instanceof Error && err.name === 'ValidationError') || pos.cursor === undefined) throw err
      pos = { cursor: undefined, trail: [] }
      page = await listCustomers(deps.ctx.db, { ...filters, sort, order, limit: PAGE_SIZE })
    }
    const badCursor = pos.cursor === undefined && pagePosition(request.query).cursor !== undefined
    const rows = page.items
    const links = pageLinks(pos, page.nextCursor)
    const nextHref = links.next ? withQuery('/customers', { ...base, ...links.next }) : null
    const prevHref = links.prev ? withQuery('/customers', { ...base, ...links.prev }) : null
    const expected = expectedVerificationView(policy)
    const filtered = Object.keys(filters).length > 0
    const body = html`<div class="page-head">
        <h1>Customers</h1>
        ${can(request, 'Operator') ? html`<a class="button" href="/customers/new">New customer</a>` : ''}
      </div>
      <form
        method="get"
        action="/customers"
        class="filters panel customer-filters"
        role="search"
        aria-label="Filter customers"
      >
        <div class="field grow">
          <label for="flt-q">Search</label>
          <input
            id="flt-q"
            type="search"
            name="q"
            value="${q.q ?? ''}"
            placeholder="Name, domain or tenant ID"
          />
        </div>
        ${filterSelect(
          'onboardingState',
          'Onboarding',
          q.onboardingState,
          ONBOARDING_STATE_VALUES.map((s) => [s, ONBOARDING_LABELS[s] ?? s] as const),
        )}
        ${filterSelect(
          'complianceState',
          'Compliance',
          q.complianceState,
          COMPLIANCE_STATE_VALUES.map((s) => [s, COMPLIANCE_LABELS[s] ?? s] as const),
        )}
        ${filterSelect('mode', 'Mode', q.mode, [...Object.entries(MODE_LABELS), ['default', `Default (${deps.defaultMode})`]])}
        ${filterSelect('trust', 'Trust effective', q.trust, Object.entries(TRUST_LABELS))}
        <div class="field">
          <label for="flt-sort">Sort</label>
          <select id="flt-sort" name="sort">
            ${SORT_CHOICES.map(([key, label]) => html`<option value="${key}" ${key === sortKey ? html`selected` : ''}>${label}</option>`)}
          </select>
        </div>
        <div class="filter-actions">
          <button type="submit">Apply</button>
          ${filtered || q.sort ? html`<a href="/customers" class="button secondary">Clear</a>` : ''}
        </div>
      </form>
      ${badCursor ? html`<p class="notice info" role="status">That page link had expired; showing the first page.</p>` : ''}
      ${
        rows.length === 0
          ? html`<div class="panel empty">
              <p><strong>No customers${filtered ? ' match these filters' : ' yet'}.</strong></p>
              ${
                filtered
                  ? html`<p><a href="/customers">Clear the filters</a></p>`
                  : can(request, 'Operator')
                    ? html`<p>
                        <a href="/customers/new">Create the first customer</a> and send its administrator a
                        consent link.
                      </p>`
                    : ''
              }
            </div>`
          : html`<div class="table-wrap panel flush">
              <table class="customers">
                <caption class="visually-hidden">
                  Customers${filtered ? ' (filtered)' : ''}
                </caption>
                ${customerTableHead(sort, order)}
                <tbody>
                  ${rows.map((row) => customerRow(row, expected, now, deps.defaultMode))}
                </tbody>
              </table>
            </div>`
      }
      <nav class="pager" aria-label="Pagination">
        ${prevHref ? html`<a class="button secondary" href="${prevHref}" rel="prev">← Previous</a>` : html`<span></span>`}
        ${nextHref ? html`<a class="button secondary" href="${nextHref}" rel="next">Next →</a>` : html`<span></span>`}
      </nav>`
    return sendPage(request, reply, {
      title: 'Customers',
      section: 'customers',
      body,
      flash: await flash.take(request, reply),
    })
  })
}
