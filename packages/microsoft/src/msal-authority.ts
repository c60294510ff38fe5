// MSAL authority settings per tenant. For login.microsoftonline.com MSAL has built-in instance and
// endpoint metadata, so nothing extra is needed. For any other host (a national cloud we do not hard-code,
// or the simulator) we declare the host as known and hand MSAL the OpenID metadata with `{tenant}`
// placeholders, so MSAL makes zero discovery calls: only token POSTs reach the network.
import { MICROSOFT_LOGIN_HOST } from './urls.ts'

export interface MsalAuthorityOptions {
  knownAuthorities?: string[]
  authorityMetadata?: string
}

export function msalAuthorityOptions(login: URL): MsalAuthorityOptions {
  if (login.hostname.toLowerCase() === MICROSOFT_LOGIN_HOST && login.port === '') return {}
  const origin = login.origin
  return {
    // MSAL compares host *and* port.
    knownAuthorities: [login.host],
    authorityMetadata: JSON.stringify({
      authorization_endpoint: `${origin}/{tenant}/oauth2/v2.0/authorize`,
      token_endpoint: `${origin}/{tenant}/oauth2/v2.0/token`,
      issuer: `${origin}/{tenant}/v2.0`,
      jwks_uri: `${origin}/{tenant}/discovery/v2.0/keys`,
      end_session_endpoint: `${origin}/{tenant}/oauth2/v2.0/logout`,
    }),
  }
}

export function tenantAuthority(login: URL, tenantId: string): string {
  return `${login.origin}/${tenantId}`
}
