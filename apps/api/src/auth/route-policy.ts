// THE route table: every route the API registers must appear here with the least role that may call it,
// or be declared public. The auth plugin refuses to start when a route is registered that this table does
// not cover, so a new route cannot ship unprotected by accident. See README.md ("Adding a route").
import type { Role } from './roles.ts'

export type Access = 'public' | Role
export type PolicyMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | '*'

export interface RoutePolicyEntry {
  method: PolicyMethod
  /**
   * The route URL exactly as registered with Fastify (prefix included, params as `:name`), or a prefix
   * ending in `*` (e.g. `/consent/*`), which covers every route below it.
   */
  url: string
  access: Access
}

export type RoutePolicyTable = readonly RoutePolicyEntry[]

const publicRoute = (url: string): RoutePolicyEntry => ({ method: '*', url, access: 'public' })
const route = (method: PolicyMethod, url: string, access: Role): RoutePolicyEntry => ({ method, url, access })

/**
 * Viewers read everything except webhook configuration (webhook URLs are credentials). Operators onboard and
 * operate customers (create, links, re-check, apply, deviations). Admins offboard, change modes and policy,
 * and manage webhooks.
 */
export const ROUTE_POLICY: RoutePolicyTable = [
  // Public: probes, the customer-admin consent flow, staff sign-in itself, static assets, API docs.
  publicRoute('/healthz'),
  publicRoute('/readyz'),
  publicRoute('/metrics'),
  publicRoute('/consent/*'),
  // The customer's status page: its link, then the admin's own Microsoft sign-in (not the staff session).
  publicRoute('/status/*'),
  publicRoute('/auth/*'),
  publicRoute('/assets/*'),
  publicRoute('/docs*'),

  // JSON API /api/v1
  route('GET', '/api/v1/me', 'Viewer'),
  route('GET', '/api/v1/summary', 'Viewer'),
  route('GET', '/api/v1/customers', 'Viewer'),
  route('POST', '/api/v1/customers', 'Operator'),
  route('GET', '/api/v1/customers/export.csv', 'Viewer'),
  route('GET', '/api/v1/customers/:id', 'Viewer'),
  route('GET', '/api/v1/customers/:id/runs', 'Viewer'),
  route('GET', '/api/v1/customers/:id/audit-events', 'Viewer'),
  route('GET', '/api/v1/customers/:id/consent-links', 'Viewer'),
  route('GET', '/api/v1/customers/:id/trust', 'Viewer'),
  route('GET', '/api/v1/customers/:id/evidence', 'Viewer'),
  route('GET', '/api/v1/customers/:id/drift', 'Viewer'),
  route('POST', '/api/v1/customers/:id/consent-links', 'Operator'),
  route('DELETE', '/api/v1/customers/:id/consent-links', 'Operator'),
  route('GET', '/api/v1/customers/:id/status-link', 'Viewer'),
  route('POST', '/api/v1/customers/:id/status-link', 'Operator'),
  route('DELETE', '/api/v1/customers/:id/status-link', 'Operator'),
  route('GET', '/api/v1/customers/:id/consent-emails', 'Viewer'),
  route('POST', '/api/v1/customers/:id/consent-emails', 'Operator'),
  route('POST', '/api/v1/email-bounces', 'Operator'),
  route('DELETE', '/api/v1/customers/:id/consent-links/:linkId', 'Operator'),
  route('POST', '/api/v1/customers/:id/recheck', 'Operator'),
  route('POST', '/api/v1/customers/:id/apply', 'Operator'),
  route('POST', '/api/v1/customers/:id/retry', 'Operator'),
  route('GET', '/api/v1/customers/:id/tenant-confirmation', 'Viewer'),
  route('POST', '/api/v1/customers/:id/tenant-confirmation', 'Operator'),
  route('POST', '/api/v1/customers/:id/deviations', 'Operator'),
  route('DELETE', '/api/v1/customers/:id/deviations/:deviationId', 'Operator'),
  route('POST', '/api/v1/customers/:id/offboard', 'Admin'),
  route('PUT', '/api/v1/customers/:id/mode', 'Admin'),
  route('PUT', '/api/v1/customers/:id/attribution', 'Admin'),
  route('GET', '/api/v1/runs', 'Viewer'),
  route('GET', '/api/v1/runs/:id', 'Viewer'),
  route('GET', '/api/v1/audit-events', 'Viewer'),
  route('GET', '/api/v1/audit/verify', 'Admin'),
  route('GET', '/api/v1/reports/fleet', 'Viewer'),
  route('GET', '/api/v1/policy', 'Viewer'),
  route('PUT', '/api/v1/policy', 'Admin'),
  route('GET', '/api/v1/webhooks', 'Admin'),
  route('POST', '/api/v1/webhooks', 'Admin'),
  route('GET', '/api/v1/webhooks/:id', 'Admin'),
  route('PATCH', '/api/v1/webhooks/:id', 'Admin'),
  route('DELETE', '/api/v1/webhooks/:id', 'Admin'),
  route('GET', '/api/v1/webhooks/:id/deliveries', 'Admin'),

  // Dashboard (server-rendered HTML; every POST also needs the session's CSRF token)
  route('GET', '/', 'Viewer'),
  route('GET', '/customers', 'Viewer'),
  route('GET', '/customers/new', 'Operator'),
  route('POST', '/customers', 'Operator'),
  route('GET', '/customers/:id', 'Viewer'),
  route('POST', '/customers/:id/consent-links', 'Operator'),
  route('POST', '/customers/:id/consent-emails', 'Operator'),
  route('POST', '/customers/:id/consent-links/:linkId/revoke', 'Operator'),
  route('POST', '/customers/:id/status-link', 'Operator'),
  route('POST', '/customers/:id/status-link/revoke', 'Operator'),
  route('POST', '/customers/:id/recheck', 'Operator'),
  route('POST', '/customers/:id/tenant-confirmation', 'Operator'),
  route('POST', '/customers/:id/apply', 'Operator'),
  route('POST', '/customers/:id/deviations', 'Operator'),
  route('POST', '/customers/:id/deviations/:deviationId/revoke', 'Operator'),
  route('POST', '/customers/:id/offboard', 'Admin'),
  route('POST', '/customers/:id/mode', 'Admin'),
  route('GET', '/customers/:id/evidence', 'Viewer'),
  route('GET', '/reports/fleet', 'Viewer'),
  route('POST', '/customers/:id/attribution', 'Admin'),
  route('GET', '/audit', 'Viewer'),
  route('GET', '/settings/policy', 'Viewer'),
  route('POST', '/settings/policy', 'Admin'),
  route('GET', '/webhooks', 'Admin'),
  route('POST', '/webhooks', 'Admin'),
  route('POST', '/webhooks/:id/delete', 'Admin'),
]

const ACCESS_RANK: Record<Access, number> = { public: 0, Viewer: 1, Operator: 2, Admin: 3 }

function methodMatches(entry: PolicyMethod, method: string): boolean {
  // Fastify adds a HEAD route for every GET; it reads exactly what the GET reads.
  return entry === '*' || entry === method || (entry === 'GET' && method === 'HEAD')
}

/**
 * The policy for one registered method + URL: an exact entry wins; otherwise the longest `*` prefix.
 * Returns undefined when the table does not cover the route.
 */
export function lookupPolicy(
  table: RoutePolicyTable,
  method: string,
  url: string,
): RoutePolicyEntry | undefined {
  const m = method.toUpperCase()
  let best: RoutePolicyEntry | undefined
  for (const entry of table) {
    if (!methodMatches(entry.method, m)) continue
    if (entry.url === url) {
      if (entry.method !== '*' || !best || best.url.endsWith('*')) best = entry
      continue
    }
    if (!entry.url.endsWith('*')) continue
    const prefix = entry.url.slice(0, -1)
    if (!url.startsWith(prefix)) continue
    if (!best || (best.url.endsWith('*') && best.url.length < entry.url.length)) best = entry
  }
  return best
}

/** The strictest access of several (a route registered for several methods gets the strictest of them). */
export function strictest(accesses: readonly Access[]): Access {
  return accesses.reduce<Access>((a, b) => (ACCESS_RANK[b] > ACCESS_RANK[a] ? b : a), 'public')
}

/** Throws when the table itself is malformed (relative URLs, duplicate entries). */
export function assertValidTable(table: RoutePolicyTable): void {
  const seen = new Set<string>()
  for (const e of table) {
    if (!e.url.startsWith('/')) throw new Error(`route policy: URL must start with "/": ${e.url}`)
    const key = `${e.method} ${e.url}`
    if (seen.has(key)) throw new Error(`route policy: duplicate entry ${key}`)
    seen.add(key)
  }
}
