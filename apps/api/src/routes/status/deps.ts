import type { ServiceContext, StatusPageSettings } from '@crosstrust/services'

export interface StatusRouteDeps {
  ctx: ServiceContext
  status: StatusPageSettings
  partner: { name: string }
  /** Decides whether the cookies are Secure. */
  publicBaseUrl: string
}
