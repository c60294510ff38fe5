import { isIP } from 'node:net'

// Webhook targets are staff-configured, but a signed notification to a plain-http URL would put the event
// (customer names, tenant ids) on the wire unencrypted. https is required; http is accepted only for the
// local machine (development, tests, a sidecar relay), where nothing crosses a network.

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase()
  if (host === 'localhost' || host.endsWith('.localhost')) return true
  if (isIP(host) === 4) return host.startsWith('127.')
  if (isIP(host) === 6) return host === '::1'
  return false
}

/** Why `raw` is not an acceptable webhook URL, or null when it is. */
export function webhookUrlProblem(raw: string): string | null {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return 'must be an absolute URL'
  }
  if (url.username !== '' || url.password !== '')
    return 'must not contain credentials; the signature authenticates us'
  if (url.hash !== '') return 'must not contain a #fragment'
  if (url.protocol === 'https:') return null
  if (url.protocol === 'http:') {
    return isLoopback(url.hostname) ? null : 'must use https (http is allowed only for localhost)'
  }
  return 'must use https'
}
