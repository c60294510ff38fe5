// The directory audit log query of drift attribution, filtered on the server:
//   GET /auditLogs/directoryAudits?$filter=category eq '…' and activityDateTime ge … and activityDateTime le …
// "List directoryAudits" (https://learn.microsoft.com/graph/api/directoryaudit-list?view=graph-rest-1.0)
// supports $filter with eq, ge and le on these properties, $top and skiptoken paging; its least privileged
// application permissions are AuditLog.Read.All and Directory.Read.All. DateTimeOffset literals are
// unquoted ISO 8601 in UTC (https://learn.microsoft.com/graph/filter-query-parameter).

export interface DirectoryAuditQuery {
  category: string
  from: Date
  to: Date
}

/** Largest page Graph's audit list documents for $top; fewer round trips for a busy tenant. */
export const AUDIT_PAGE_SIZE = 999
/** A cross-tenant access change window rarely holds more than a few entries; a loop must still end. */
export const MAX_AUDIT_PAGES = 20

const quote = (value: string): string => `'${value.replace(/'/g, "''")}'`

export function directoryAuditFilter(query: DirectoryAuditQuery): string {
  return [
    `category eq ${quote(query.category)}`,
    `activityDateTime ge ${query.from.toISOString()}`,
    `activityDateTime le ${query.to.toISOString()}`,
  ].join(' and ')
}
