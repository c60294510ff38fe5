// MSAL authority settings, one code path for every `MS_LOGIN_URL` (the public cloud, a national cloud, the
// simulator), so what the tests run is what production runs. The login host is declared known and MSAL is
// handed the OpenID metadata with `{tenant}` placeholders: it makes no instance or OpenID discovery calls,
// and only token POSTs reach the network. The metadata is Microsoft's v2.0 endpoint layout, the same on every
// cloud: https://learn.microsoft.com/entra/identity-platform/v2-protocols-oidc#find-your-apps-openid-configuration-document-uri
export interface MsalAuthorityOptions {
  knownAuthorities: string[]
  authorityMetadata: string
}

export function msalAuthorityOptions(login: URL): MsalAuthorityOptions {
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
