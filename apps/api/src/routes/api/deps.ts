import type { ConsentLinkSettings, ServiceContext, TenantResolver } from '@crosstrust/services'

export interface StaffApiDeps {
  ctx: ServiceContext
  resolveTenant: TenantResolver
  links: ConsentLinkSettings
}
