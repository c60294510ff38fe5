// URL helpers shared by MSAL configuration, tenant discovery and the consent link.

export const MICROSOFT_LOGIN_HOST = 'login.microsoftonline.com'

/** Base URL without trailing slashes; rejects anything that is not an absolute https URL without a path. */
export function normalizeBaseUrl(name: string, value: string): URL {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new TypeError(`${name} is not a URL`)
  }
  if (url.protocol !== 'https:')
    throw new TypeError(`${name} must use https (MSAL and the Graph client require it)`)
  if (url.pathname !== '/' && url.pathname !== '') throw new TypeError(`${name} must not contain a path`)
  return url
}

/** "https://host[:port]" with no trailing slash. */
export function originOf(url: URL): string {
  return url.origin
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
export function isGuid(value: string): boolean {
  return GUID.test(value)
}

/** The multi-tenant aliases that never identify one tenant. */
export const TENANT_ALIASES = new Set(['common', 'organizations', 'consumers'])

const DOMAIN = /^(?=.{3,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i
export function isDomainName(value: string): boolean {
  return DOMAIN.test(value)
}
