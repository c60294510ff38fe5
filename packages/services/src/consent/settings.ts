import type { AdminSignIn } from '@crosstrust/microsoft'

export interface ConsentSettings {
  loginUrl: string
  clientId: string
  /** Exactly the redirect URI registered on the app for admin consent: `${PUBLIC_BASE_URL}/consent/callback`. */
  redirectUri: string
  /** The admin's OpenID Connect sign-in on the partner app (redirect URI `${PUBLIC_BASE_URL}/consent/signed-in`). */
  signIn: AdminSignIn
  partnerTenantId: string
  partnerName: string
  /** How long the admin has to finish signing in and Microsoft's consent page. Default one hour. */
  stateTtlSeconds?: number
}

export const DEFAULT_STATE_TTL_SECONDS = 3600
