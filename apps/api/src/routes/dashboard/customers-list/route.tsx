import { expectedVerificationView, ValidationError } from '@crosstrust/core'
import { currentPolicy, listCustomers } from '@crosstrust/services'
import type { FastifyInstance } from 'fastify'
import type { DashboardDeps } from '../deps.ts'
import type { FlashStore } from '../flash.ts'
import { pagePosition } from '../pager.ts'
import { sendStaffPage, staffViewer } from '../ui/staff-page.tsx'
import { CustomerListPage } from './page.tsx'
import { listFilters, listQuery, presentCustomerList, sortChoice } from './presenter.ts'

const PAGE_SIZE = 25

export function customerListRoutes(app: FastifyInstance, deps: DashboardDeps, flash: FlashStore) {
  app.get('/customers', async (request, reply) => {
    const query = listQuery.parse(request.query)
    const { sort, order } = sortChoice(query)
    const filters = listFilters(query)
    const now = deps.ctx.now()
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
      if (!(err instanceof ValidationError) || pos.cursor === undefined) throw err
      pos = { cursor: undefined, trail: [] }
      page = await listCustomers(deps.ctx.db, { ...filters, sort, order, limit: PAGE_SIZE })
    }
    const view = presentCustomerList({
      query,
      position: pos,
      badCursor: pos.cursor === undefined && pagePosition(request.query).cursor !== undefined,
      rows: page.items,
      nextCursor: page.nextCursor,
      expected: expectedVerificationView(policy),
      canCreate: staffViewer(request).operator,
      defaultMode: deps.defaultMode,
      now,
    })
    return sendStaffPage(request, reply, {
      title: 'Customers',
      section: 'customers',
      body: <CustomerListPage view={view} />,
      flash,
    })
  })
}
