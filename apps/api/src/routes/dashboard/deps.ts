import type {
  ConsentLinkSettings,
  EvidenceSettings,
  ServiceContext,
  SummaryCache,
  TenantResolver,
  WebhookTargetPolicy,
} from '@crosstrust/services'

export interface DashboardDeps {
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
  /** The partner's display name, used in portal wording ("all Truesec Detect AB users and groups"). */
  partnerName: string
  /** The mode a customer without its own mode runs in (shown as "Default (alert)"). */
  defaultMode: 'report' | 'alert' | 'remediate'
  /** Key material for the sealed flash cookie (SESSION_SECRET; a purpose-specific key is derived). */
  flashSecret: string
  /** Secure cookies (https outside development), as for the session cookie. */
  secureCookies: boolean
}
