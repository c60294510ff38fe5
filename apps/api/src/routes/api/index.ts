// The staff JSON API (/api/v1). Every route has zod schemas (validation + OpenAPI at /docs); who may call
// what is decided by the one route table (src/auth/route-policy.ts), never here.
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { actionApiRoutes } from './actions.ts'
import { tenantConfirmationApiRoutes } from './tenant-confirmation.ts'
import { consentEmailApiRoutes } from './consent-emails.ts'
import { consentLinkApiRoutes } from './consent-links.ts'
import { statusLinkApiRoutes } from './status-links.ts'
import { customerApiRoutes } from './customers.ts'
import type { StaffApiDeps } from './deps.ts'
import { evidenceApiRoutes } from './evidence.ts'
import { driftApiRoutes } from './drift.ts'
import { historyApiRoutes } from './history.ts'
import { overviewApiRoutes } from './overview.ts'
import { policyApiRoutes } from './policy.ts'
import { trustApiRoutes } from './trust.ts'
import { webhookApiRoutes } from './webhooks.ts'

export function staffApiRoutes(app: FastifyInstance, deps: StaffApiDeps): void {
  const api = app.withTypeProvider<ZodTypeProvider>()
  overviewApiRoutes(api, deps)
  customerApiRoutes(api, deps)
  consentLinkApiRoutes(api, deps)
  statusLinkApiRoutes(api, deps)
  consentEmailApiRoutes(api, deps)
  actionApiRoutes(api, deps)
  tenantConfirmationApiRoutes(api, deps)
  historyApiRoutes(api, deps)
  webhookApiRoutes(api, deps)
  policyApiRoutes(api, deps)
  trustApiRoutes(api, deps)
  evidenceApiRoutes(api, deps)
  driftApiRoutes(api, deps)
}
