import {
  currentPolicy,
  customerDetail,
  customerTrustDetail,
  listDrifts,
  listEmailDeliveries,
  pendingTenantConfirmation,
  statusLinkSummary,
} from '@crosstrust/services'
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { DashboardDeps } from '../deps.ts'
import type { FlashStore } from '../flash.ts'
import { sendStaffPage, staffViewer } from '../ui/staff-page.tsx'
import { CustomerDetailPage } from './page.tsx'
import { presentCustomerDetail } from './presenter.ts'

const params = z.object({ id: z.string().max(64) })

export function customerDetailRoutes(app: FastifyInstance, deps: DashboardDeps, flash: FlashStore) {
  app.get('/customers/:id', async (request, reply) => {
    const { id } = params.parse(request.params)
    const now = deps.ctx.now()
    const [detail, policy, trust, deliveries] = await Promise.all([
      customerDetail(deps.ctx.db, id, { now, recentRuns: 10, recentAudit: 15 }),
      currentPolicy(deps.ctx.db),
      customerTrustDetail(deps.ctx.db, id),
      z.uuid().safeParse(id).success ? listEmailDeliveries(deps.ctx.db, id) : [],
    ])
    const drifts = await listDrifts(deps.ctx.db, id, 10)
    const pending = await pendingTenantConfirmation(deps.ctx, id)
    const statusLink = await statusLinkSummary(deps.ctx, id)
    const view = presentCustomerDetail({
      detail,
      policy,
      trust,
      drifts,
      pending,
      viewer: staffViewer(request),
      partnerName: deps.partnerName,
      defaultMode: deps.defaultMode,
      now,
    })
    return sendStaffPage(request, reply, {
      title: detail.customer.name,
      section: 'customers',
      body: (
        <CustomerDetailPage
          view={view}
          emails={{
            customerId: detail.customer.id,
            contacts: detail.customer.contacts,
            deliveries,
            enabled: deps.emailEnabled,
            viewer: view.viewer,
            now,
          }}
          statusLink={{
            customerId: detail.customer.id,
            summary: statusLink,
            operator: view.viewer.operator,
            csrfToken: view.viewer.csrfToken,
            now,
          }}
        />
      ),
      flash,
      ...(view.waiting ? { refreshSeconds: 5 } : {}),
    })
  })
}
