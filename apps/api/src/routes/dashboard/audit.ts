// The audit log: every change by staff, the system or a customer admin, newest first, filterable by action
// family and customer, with keyset pagination.
import { customerLabel, listAuditEvents, type AuditEventView } from '@crosstrust/services'
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { html } from '../../html/html.ts'
import { ACTION_FAMILIES, actorCell, auditActionLabel, auditSummary } from './audit-format.ts'
import { sendPage } from './chrome.ts'
import type { DashboardDeps } from './deps.ts'
import type { FlashStore } from './flash.ts'
import { timeExact } from './format.ts'
import { pageLinks, pagePosition, withQuery } from './pager.ts'

const PAGE_SIZE = 50
const empty = (v: unknown) => (v === '' ? undefined : v)
const auditQuery = z.object({
  action: z
    .preprocess(
      empty,
      z
        .string()
        .regex(/^[a-z_]+(\.[a-z_]+)*(\.\*)?$/)
        .max(100)
        .optional(),
    )
    .catch(undefined),
  customerId: z.preprocess(empty, z.uuid().optional()).catch(undefined),
})

function row(e: AuditEventView, now: Date, showCustomer: boolean) {
  return html`<tr>
    <td class="nowrap">${timeExact(e.at, now)}</td>
    <td>${actorCell(e)}</td>
    <td>${auditActionLabel(e.action)}<span class="sub mono">${e.action}</span></td>
    ${
      showCustomer
        ? html`<td>
            ${e.customerId ? html`<a href="/customers/${e.customerId}">Open</a>` : html`<span class="muted">—</span>`}
          </td>`
        : ''
    }
    <td class="reason">${auditSummary(e)}</td>
    <td class="mono small muted">${e.requestId ?? ''}</td>
  </tr>`
}

export function auditRoutes(app: FastifyInstance, deps: DashboardDeps, flash: FlashStore) {
  app.get('/audit', async (request, reply) => {
    const q = auditQuery.parse(request.query)
    let pos = pagePosition(request.query)
    const filters = {
      ...(q.action ? { action: q.action } : {}),
      ...(q.customerId ? { customerId: q.customerId } : {}),
    }
    let page
    try {
      page = await listAuditEvents(deps.ctx.db, { ...filters, limit: PAGE_SIZE, cursor: pos.cursor })
    } catch (err) {
      if (!(err instanceof Error && err.name === 'ValidationError') || pos.cursor === undefined) throw err
      pos = { cursor: undefined, trail: [] }
      page = await listAuditEvents(deps.ctx.db, { ...filters, limit: PAGE_SIZE })
    }
    const customer = q.customerId ? await customerLabel(deps.ctx.db, q.customerId) : null
    const links = pageLinks(pos, page.nextCursor)
    const now = deps.ctx.now()
    const body = html`<div class="page-head"><h1>Audit log</h1></div>
      <form method="get" action="/audit" class="filters panel" aria-label="Filter audit events">
        <div class="field">
          <label for="flt-action">Action</label>
          <select id="flt-action" name="action">
            <option value="">All actions</option>
            ${ACTION_FAMILIES.map(([v, l]) => html`<option value="${v}" ${q.action === v ? html`selected` : ''}>${l}</option>`)}
          </select>
        </div>
        ${
          customer
            ? html`<div class="field">
                <span class="label">Customer</span>
                <span class="chip"
                  >${customer.name}
                  <a href="${withQuery('/audit', { action: q.action })}" aria-label="Show all customers"
                    >×</a
                  ></span
                >
                <input type="hidden" name="customerId" value="${customer.id}" />
              </div>`
            : ''
        }
        <div class="filter-actions">
          <button type="submit">Apply</button>
          ${q.action || q.customerId ? html`<a class="button secondary" href="/audit">Clear</a>` : ''}
        </div>
      </form>
      ${
        page.items.length === 0
          ? html`<div class="panel empty"><p>No audit events match.</p></div>`
          : html`<div class="panel flush table-wrap">
              <table class="compact audit">
                <caption class="visually-hidden">
                  Audit events, newest first
                </caption>
                <thead>
                  <tr>
                    <th scope="col">When (UTC)</th>
                    <th scope="col">Who</th>
                    <th scope="col">Action</th>
                    ${customer ? '' : html`<th scope="col">Customer</th>`}
                    <th scope="col">Details</th>
                    <th scope="col">Request</th>
                  </tr>
                </thead>
                <tbody>
                  ${page.items.map((e) => row(e, now, !customer))}
                </tbody>
              </table>
            </div>`
      }
      <nav class="pager" aria-label="Pagination">
        ${links.prev ? html`<a class="button secondary" rel="prev" href="${withQuery('/audit', { ...filters, ...links.prev })}">← Newer</a>` : html`<span></span>`}
        ${links.next ? html`<a class="button secondary" rel="next" href="${withQuery('/audit', { ...filters, ...links.next })}">Older →</a>` : html`<span></span>`}
      </nav>`
    return sendPage(request, reply, {
      title: 'Audit log',
      section: 'audit',
      body,
      flash: await flash.take(request, reply),
    })
  })
}
