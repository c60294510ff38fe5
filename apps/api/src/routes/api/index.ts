// The staff JSON API (/api/v1). Every route has zod schemas (validation + OpenAPI at /docs); who may call
// what is decided by the one route table (src/auth/route-policy.ts), never here.
import type { FastifyInstance } from 'fastify'
import { actionApiRoutes } from './actions.ts'
import { tenantConfirmationApiRoutes } from './tenant-confirmation.ts'
import { consentLinkApiRoutes } from './consent-links.ts'
import { customerApiRoutes } from './customers.ts'
import type { StaffApiDeps } from './deps.ts'
import { historyApiRoutes } from './history.ts'
import { overviewApiRoutes } from './overview.ts'
import { policyApiRoutes } from './policy.ts'
import { trustApiRoutes } from './trust.ts'
import { webhookApiRoutes } from './webhooks.ts'

export function staffApiRoutes(app: FastifyInstance, deps: StaffApiDeps): void {
  overviewApiRoutes(app, deps)
  customerApiRoutes(app, deps)
  consentLinkApiRoutes(app, deps)
  actionApiRoutes(app, deps)
  tenantConfirmationApiRoutes(app, deps)
  historyApiRoutes(app, deps)
  webhookApiRoutes(app, deps)
  policyApiRoutes(app, deps)
  trustApiRoutes(app, deps)
}
