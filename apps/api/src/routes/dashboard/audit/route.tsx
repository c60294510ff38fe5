// The audit log: every change by staff, the system or a customer admin, newest first, filterable by action
// family and customer, with keyset pagination.
import { ValidationError } from '@crosstrust/core'
import { customerLabel, listAuditEvents } from '@crosstrust/services'
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { DashboardDeps } from '../deps.ts'
import type { FlashStore } from '../flash.ts'
import { pageLinks, pagePosition } from '../pager.ts'
import { sendStaffPage } from '../ui/staff-page.tsx'
import { AuditPage } from './page.tsx'
import { presentAudit } from './presenter.ts'

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
      if (!(err instanceof ValidationError) || pos.cursor === undefined) throw err
      pos = { cursor: undefined, trail: [] }
      page = await listAuditEvents(deps.ctx.db, { ...filters, limit: PAGE_SIZE })
    }
    const customer = q.customerId ? await customerLabel(deps.ctx.db, q.customerId) : null
    const view = presentAudit({
      action: q.action,
      customer,
      items: page.items,
      filters,
      links: pageLinks(pos, page.nextCursor),
      now: deps.ctx.now(),
    })
    return sendStaffPage(request, reply, {
      title: 'Audit log',
      section: 'audit',
      body: <AuditPage view={view} />,
      flash,
    })
  })
}
