import type { AdminSignIn } from '@crosstrust/microsoft'

export interface StatusPageSettings {
  publicBaseUrl: string
  /** The admin's OpenID Connect sign-in, with its own redirect URI: `${PUBLIC_BASE_URL}/status/signed-in`. */
  signIn: AdminSignIn
  partnerTenantId: string
  partnerName: string
  /** The partner app's client id: the removal page links to its Enterprise application in Entra. */
  appClientId: string
  /** How long the admin has to finish signing in. Default ten minutes. */
  stateTtlSeconds?: number
  /** How long a signed-in admin may look and act before signing in again. Default thirty minutes. */
  sessionTtlSeconds?: number
}

export const DEFAULT_STATUS_STATE_TTL_SECONDS = 600
export const DEFAULT_STATUS_SESSION_TTL_SECONDS = 1800
