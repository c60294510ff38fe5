// The link that sends a customer's admin to Microsoft's admin consent page (v2 endpoint). `/.default`
// is required for application permissions; the redirect URI must match the app registration exactly.
import { GRAPH_DEFAULT_SCOPE } from './token-provider.ts'
import { isDomainName, isGuid, normalizeBaseUrl } from './urls.ts'

export interface AdminConsentUrlOptions {
  loginUrl: string
  /** The expected tenant id or domain, or 'organizations' when unknown. Never 'common'. */
  tenant: string
  clientId: string
  redirectUri: string
  state: string
}

export function buildAdminConsentUrl(options: AdminConsentUrlOptions): string {
  const login = normalizeBaseUrl('loginUrl', options.loginUrl)
  const tenant = options.tenant.trim()
  if (tenant !== 'organizations' && !isGuid(tenant) && !isDomainName(tenant)) {
    throw new TypeError('tenant must be a tenant id, a domain name or "organizations"')
  }
  if (!isGuid(options.clientId)) throw new TypeError('clientId must be a GUID')
  if (options.state === '') throw new TypeError('state must not be empty')
  const url = new URL(`${login.origin}/${encodeURIComponent(tenant)}/v2.0/adminconsent`)
  url.searchParams.set('client_id', options.clientId)
  url.searchParams.set('scope', GRAPH_DEFAULT_SCOPE)
  url.searchParams.set('redirect_uri', options.redirectUri)
  url.searchParams.set('state', options.state)
  return url.toString()
}
