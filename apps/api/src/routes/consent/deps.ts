import type { ConsentSettings, ServiceContext } from '@crosstrust/services'

export interface ConsentRouteDeps {
  ctx: ServiceContext
  consent: ConsentSettings
  partner: { name: string; tenantId: string }
}
