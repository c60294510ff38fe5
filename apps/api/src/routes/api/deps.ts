import type {
  ConsentLinkSettings,
  ServiceContext,
  TenantResolver,
  WebhookTargetPolicy,
} from '@crosstrust/services'

export interface StaffApiDeps {
  ctx: ServiceContext
  resolveTenant: TenantResolver
  links: ConsentLinkSettings
  /** Private networks webhook URLs may point into (`WEBHOOK_ALLOWED_PRIVATE_NETWORKS`). */
  webhookTargets: WebhookTargetPolicy
}
