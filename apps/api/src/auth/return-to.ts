// `returnTo` comes from the query string of /auth/sign-in, so it is attacker-controlled: only a path on
// this site is accepted, never another origin (`//evil`, `/\evil`, `https://evil`, encoded variants).
//
// Checking the raw input is not enough: URL parsing resolves dot segments (`.`, `..`, `%2e`), so
// `/.//evil` and `/a/..//evil` become `//evil`, which a browser reads as another host. The rule is
// therefore applied to what we would actually send, after normalisation, and that output must survive
// being parsed again unchanged.
const BASE = 'http://return-to.invalid'
const MAX_LENGTH = 2048

function hasUnsafeChar(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i)
    if (code === 0x5c || code < 0x20 || code === 0x7f) return true
  }
  return false
}

/** A single leading slash, and not one that a browser could read as the start of an authority. */
function isLocalPath(value: string): boolean {
  return value.startsWith('/') && !value.startsWith('//') && !hasUnsafeChar(value)
}

/** `value` resolved against our stand-in origin; null when it does not parse. */
function resolveOnSite(value: string): URL | null {
  try {
    return new URL(value, BASE)
  } catch {
    return null
  }
}

// Encoded `/` and `\` in the path are never produced by our own links, and servers or proxies that decode
// them before routing would turn `/%2f%2fevil` into `//evil`.
const ENCODED_SEPARATOR = /%2f|%5c/i

export function safeReturnTo(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_LENGTH) return '/'
  // Browsers treat backslashes as slashes and ignore tabs/newlines, so refuse them outright.
  if (!isLocalPath(value)) return '/'
  const url = resolveOnSite(value)
  if (url === null || url.origin !== BASE || ENCODED_SEPARATOR.test(url.pathname)) return '/'
  // Back into sign-in would loop.
  if (url.pathname.startsWith('/auth/')) return '/'
  const normalised = `${url.pathname}${url.search}${url.hash}`
  if (!isLocalPath(normalised)) return '/'
  // What the browser will resolve: it must land on the same origin and mean the same path again.
  const again = resolveOnSite(normalised)
  if (
    again === null ||
    again.origin !== BASE ||
    `${again.pathname}${again.search}${again.hash}` !== normalised
  ) {
    return '/'
  }
  return normalised
}
