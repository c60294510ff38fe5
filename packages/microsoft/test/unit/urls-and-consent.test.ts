import { describe, expect, it } from 'vitest'
import { buildAdminConsentUrl } from '../../src/admin-consent-url.ts'
import { msalAuthorityOptions } from '../../src/msal-authority.ts'
import { normalizeBaseUrl } from '../../src/urls.ts'

const CLIENT = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee'

describe('buildAdminConsentUrl', () => {
  it('builds the v2 admin consent URL with /.default', () => {
    const url = new URL(
      buildAdminConsentUrl({
        loginUrl: 'https://login.microsoftonline.com',
        tenant: 'organizations',
        clientId: CLIENT,
        redirectUri: 'https://crosstrust.example/consent/callback',
        state: 's&t=1',
      }),
    )
    expect(url.origin + url.pathname).toBe(
      'https://login.microsoftonline.com/organizations/v2.0/adminconsent',
    )
    expect(url.searchParams.get('client_id')).toBe(CLIENT)
    expect(url.searchParams.get('scope')).toBe('https://graph.microsoft.com/.default')
    expect(url.searchParams.get('redirect_uri')).toBe('https://crosstrust.example/consent/callback')
    expect(url.searchParams.get('state')).toBe('s&t=1')
  })

  it('accepts a tenant id or domain and keeps a simulator port', () => {
    const url = buildAdminConsentUrl({
      loginUrl: 'https://127.0.0.1:8443/',
      tenant: 'contoso.example',
      clientId: CLIENT,
      redirectUri: 'https://x/cb',
      state: 's',
    })
    expect(url.startsWith('https://127.0.0.1:8443/contoso.example/v2.0/adminconsent?')).toBe(true)
  })

  it("refuses 'common' and junk tenants", () => {
    const base = {
      loginUrl: 'https://login.microsoftonline.com',
      clientId: CLIENT,
      redirectUri: 'https://x/cb',
      state: 's',
    }
    expect(() => buildAdminConsentUrl({ ...base, tenant: 'common' })).toThrow(TypeError)
    expect(() => buildAdminConsentUrl({ ...base, tenant: '../evil' })).toThrow(TypeError)
  })
})

describe('normalizeBaseUrl', () => {
  it('requires https without a path', () => {
    expect(() => normalizeBaseUrl('MS_LOGIN_URL', 'http://127.0.0.1:1')).toThrow(/https/)
    expect(() => normalizeBaseUrl('MS_LOGIN_URL', 'https://h/x')).toThrow(/path/)
    expect(normalizeBaseUrl('MS_LOGIN_URL', 'https://h:1/').origin).toBe('https://h:1')
  })
})

describe('msalAuthorityOptions', () => {
  it('configures the public cloud exactly like any other host (one code path)', () => {
    const o = msalAuthorityOptions(new URL('https://login.microsoftonline.com'))
    expect(o.knownAuthorities).toEqual(['login.microsoftonline.com'])
    expect(JSON.parse(o.authorityMetadata)).toEqual({
      authorization_endpoint: 'https://login.microsoftonline.com/{tenant}/oauth2/v2.0/authorize',
      token_endpoint: 'https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token',
      issuer: 'https://login.microsoftonline.com/{tenant}/v2.0',
      jwks_uri: 'https://login.microsoftonline.com/{tenant}/discovery/v2.0/keys',
      end_session_endpoint: 'https://login.microsoftonline.com/{tenant}/oauth2/v2.0/logout',
    })
  })

  it('declares other hosts with port and gives metadata with {tenant} placeholders', () => {
    const o = msalAuthorityOptions(new URL('https://127.0.0.1:8443'))
    expect(o.knownAuthorities).toEqual(['127.0.0.1:8443'])
    const metadata = JSON.parse(o.authorityMetadata) as Record<string, string>
    expect(metadata['token_endpoint']).toBe('https://127.0.0.1:8443/{tenant}/oauth2/v2.0/token')
    expect(metadata['issuer']).toBe('https://127.0.0.1:8443/{tenant}/v2.0')
  })
})
