import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import type {
  ConsentLinkSettings,
  EvidenceSettings,
  ServiceContext,
  SummaryCache,
  TenantResolver,
  WebhookTargetPolicy,
} from '@crosstrust/services'

export interface StaffApiDeps {
  ctx: ServiceContext
  resolveTenant: TenantResolver
  links: ConsentLinkSettings
  /** Private networks webhook URLs may point into (`WEBHOOK_ALLOWED_PRIVATE_NETWORKS`). */
  webhookTargets: WebhookTargetPolicy
  /** The overview counts, reused for a few seconds (they say their age). */
  summaries: SummaryCache
  /** Signs evidence packs and names the partner in them. */
  evidence: EvidenceSettings
  /** Consent links can be sent by email (SMTP_URL and MAIL_FROM are set). */
  emailEnabled: boolean
}

/** The app the staff API routes are declared on: request and reply types come from their zod schemas. */
export type StaffApi = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>
