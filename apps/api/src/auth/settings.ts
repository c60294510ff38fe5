import type { Config } from '@crosstrust/config'

/** The configuration the auth plugin reads (a subset of the process config, so tests can pass just this). */
export type AuthConfig = Pick<
  Config,
  | 'NODE_ENV'
  | 'PUBLIC_BASE_URL'
  | 'MS_LOGIN_URL'
  | 'STAFF_TENANT_ID'
  | 'STAFF_CLIENT_ID'
  | 'STAFF_CLIENT_SECRET'
  | 'SESSION_SECRET'
>

export interface AuthSettings {
  loginUrl: string
  tenantId: string
  clientId: string
  clientSecret: string
  sessionSecret: string
  publicBaseUrl: string
  redirectUri: string
  /** The issuer Entra ID puts in v2.0 tokens of the staff tenant. */
  issuer: string
  secureCookies: boolean
}

/** Validates what staff authentication needs; the API cannot serve staff without it, so it refuses to start. */
export function authSettings(config: AuthConfig): AuthSettings {
  const missing = (['STAFF_CLIENT_ID', 'STAFF_CLIENT_SECRET', 'SESSION_SECRET'] as const).filter(
    (k) => !config[k],
  )
  if (missing.length > 0) {
    throw new Error(
      `staff authentication needs ${missing.join(', ')} (the staff app registration and session key)`,
    )
  }
  const loginUrl = config.MS_LOGIN_URL.replace(/\/+$/, '')
  const tenantId = config.STAFF_TENANT_ID.toLowerCase()
  const publicBaseUrl = config.PUBLIC_BASE_URL.replace(/\/+$/, '')
  return {
    loginUrl,
    tenantId,
    clientId: (config.STAFF_CLIENT_ID ?? '').toLowerCase(),
    clientSecret: config.STAFF_CLIENT_SECRET ?? '',
    sessionSecret: config.SESSION_SECRET ?? '',
    publicBaseUrl,
    redirectUri: `${publicBaseUrl}/auth/callback`,
    issuer: `${loginUrl}/${tenantId}/v2.0`,
    // Browsers drop Secure cookies over plain http, so local development over http must not set it.
    secureCookies: config.NODE_ENV !== 'development' && !publicBaseUrl.startsWith('http://'),
  }
}
