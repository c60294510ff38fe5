// `returnTo` comes from the query string of /auth/sign-in, so it is attacker-controlled: only a path on
// this site is accepted, never another origin (`//evil`, `/\evil`, `https://evil`, encoded variants).
const BASE = 'http://return-to.invalid'
const MAX_LENGTH = 2048

function hasUnsafeChar(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i)
    if (code === 0x5c || code < 0x20 || code === 0x7f) return true
  }
  return false
}

export function safeReturnTo(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_LENGTH) return '/'
  // Browsers treat backslashes as slashes and ignore tabs/newlines, so refuse them outright.
  if (!value.startsWith('/') || value.startsWith('//') || hasUnsafeChar(value)) return '/'
  let url: URL
  try {
    url = new URL(value, BASE)
  } catch {
    return '/'
  }
  if (url.origin !== BASE) return '/'
  // Back into sign-in would loop.
  if (url.pathname.startsWith('/auth/')) return '/'
  return `${url.pathname}${url.search}${url.hash}`
}
