// Paging of the partner list. Microsoft does not document a page size for
// GET /policies/crossTenantAccessPolicy/partners; Graph collections page with @odata.nextLink and an opaque
// $skiptoken (https://learn.microsoft.com/graph/paging), so the size is the switch `partnersPageSize`.
type Json = Record<string, unknown>

export type PartnerPage =
  { ok: true; items: Json[]; nextQuery: string | null } | { ok: false; message: string }

export function pagePartners(all: Json[], query: unknown, pageSize: number): PartnerPage {
  const q = (query ?? {}) as { $skiptoken?: string; $select?: string }
  let offset = 0
  if (q.$skiptoken !== undefined) {
    const decoded = /^p(\d+)$/.exec(Buffer.from(q.$skiptoken, 'base64url').toString('utf8'))
    if (!decoded?.[1]) return { ok: false, message: "The value of '$skiptoken' is not valid." }
    offset = Number(decoded[1])
  }
  const items = all.slice(offset, offset + pageSize)
  const nextOffset = offset + pageSize
  if (nextOffset >= all.length) return { ok: true, items, nextQuery: null }
  const next = new URLSearchParams()
  if (q.$select) next.set('$select', q.$select)
  next.set('$skiptoken', Buffer.from(`p${nextOffset}`).toString('base64url'))
  return { ok: true, items, nextQuery: next.toString() }
}
