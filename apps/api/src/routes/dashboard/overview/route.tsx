import type { FastifyInstance } from 'fastify'
import type { DashboardDeps } from '../deps.ts'
import type { FlashStore } from '../flash.ts'
import { sendStaffPage, staffViewer } from '../ui/staff-page.tsx'
import { OverviewPage } from './page.tsx'
import { presentOverview } from './presenter.ts'

const ATTENTION_LIMIT = 25

export function overviewRoutes(app: FastifyInstance, deps: DashboardDeps, flash: FlashStore) {
  app.get('/', async (request, reply) => {
    const now = deps.ctx.now()
    const db = deps.ctx.db
    const { attentionItems, ...counts } = await deps.summaries.get(db, now)
    const view = presentOverview({
      counts,
      items: attentionItems.slice(0, ATTENTION_LIMIT),
      canCreate: staffViewer(request).operator,
      defaultMode: deps.defaultMode,
      now,
    })
    return sendStaffPage(request, reply, {
      title: 'Overview',
      section: 'overview',
      body: <OverviewPage view={view} />,
      flash,
    })
  })
}
