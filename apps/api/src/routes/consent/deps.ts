import type { ConsentSettings, ServiceContext } from '@crosstrust/services'

export interface ConsentRouteDeps {
  ctx: ServiceContext
  consent: ConsentSettings
  partner: { name: string; tenantId: string }
  /** Decides whether the browser-binding cookie is Secure. */
  publicBaseUrl: string
}
