// The staff dashboard: server-rendered pages with progressive enhancement (no SPA build). Routes live in
// their own encapsulated scope so failures render as HTML pages here while the JSON API keeps problem+json.
// Who may open or post what is decided by the route policy table (auth/route-policy.ts), not in handlers.
import type { FastifyError, FastifyInstance } from 'fastify'
import { ZodError } from 'zod'
import { httpAnswerFor, isClientDomainError } from '../../plugins/problem.ts'
import { auditRoutes } from './audit/route.tsx'
import { sendStaffPage } from './ui/staff-page.tsx'
import { customerActionRoutes } from './customer-actions.ts'
import { customerDetailRoutes } from './customer-detail/route.tsx'
import { tenantConfirmationRoutes } from './tenant-confirmation.ts'
import { customerListRoutes } from './customers-list/route.tsx'
import { customerNewRoutes } from './customer-new/route.tsx'
import type { DashboardDeps } from './deps.ts'
import { evidenceRoutes } from './evidence/route.ts'
import { FlashStore } from './flash.ts'
import { overviewRoutes } from './overview/route.tsx'
import { policyRoutes } from './policy/route.tsx'
import { webhookRoutes } from './webhooks/route.tsx'

export type { DashboardDeps } from './deps.ts'

export async function dashboardRoutes(app: FastifyInstance, deps: DashboardDeps): Promise<void> {
  await app.register((scope: FastifyInstance, _opts, done) => {
    const flash = new FlashStore(deps.flashSecret, deps.secureCookies)

    scope.setErrorHandler((err: FastifyError, request, reply) => {
      // The same status the JSON API would answer (one mapping, in the error plugin).
      const known = isClientDomainError(err)
      const status = known ? httpAnswerFor(err).status : err instanceof ZodError ? 400 : 500
      if (status >= 500) request.log.error({ err }, 'dashboard page failed')
      const title = status === 404 ? 'Not found' : status >= 500 ? 'Something went wrong' : 'Cannot do that'
      const detail = known
        ? err.detail
        : status === 400
          ? 'The address or form is not valid.'
          : 'The page could not be shown. Try again; if it keeps failing, quote the request ID below.'
      return sendStaffPage(
        request,
        reply,
        {
          title,
          section: 'overview',
          body: (
            <div class="panel error-page">
              <h1>{title}</h1>
              <p>{detail}</p>
              <p class="muted small">
                Request ID: <span class="mono">{request.id}</span>
              </p>
              <p>
                <a href="/">Back to the overview</a> · <a href="/customers">Customers</a>
              </p>
            </div>
          ),
        },
        status,
      )
    })

    overviewRoutes(scope, deps, flash)
    // `/customers/new` before `/customers/:id` is not needed by find-my-way (static wins), but reads better.
    customerNewRoutes(scope, deps, flash)
    customerListRoutes(scope, deps, flash)
    customerDetailRoutes(scope, deps, flash)
    customerActionRoutes(scope, deps, flash)
    tenantConfirmationRoutes(scope, deps, flash)
    evidenceRoutes(scope, deps)
    auditRoutes(scope, deps, flash)
    policyRoutes(scope, deps, flash)
    webhookRoutes(scope, deps, flash)
    done()
  })
}
