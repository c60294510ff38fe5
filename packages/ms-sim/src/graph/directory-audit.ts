// Directory audit log (Graph `directoryAudit`): entries recorded by writes to cross-tenant access settings,
// visible to GET /auditLogs/directoryAudits only after an ingestion delay, filtered with the subset of
// $filter Microsoft documents for this API, newest first, paged with an opaque $skiptoken.
//   Resource:   https://learn.microsoft.com/graph/api/resources/directoryaudit?view=graph-rest-1.0
//   List:       https://learn.microsoft.com/graph/api/directoryaudit-list?view=graph-rest-1.0
//   Activities: https://learn.microsoft.com/entra/identity/monitoring-health/reference-audit-activities
//   Latency:    https://learn.microsoft.com/entra/identity/monitoring-health/reference-log-latency
import { randomUUID } from 'node:crypto'

type Json = Record<string, unknown>

/** Activity names as the audit activity reference lists them for Core Directory. */
export const AUDIT_ACTIVITIES = {
  partnerAdded: 'Add a partner to cross-tenant access setting',
  partnerUpdated: 'Update a partner cross-tenant access setting',
  partnerDeleted: 'Delete partner specific cross-tenant access setting',
  defaultUpdated: 'Update the company default cross-tenant access setting',
  defaultReset: 'Reset the cross-tenant access default setting',
  identitySyncCreated: 'Create a partner cross-tenant identity sync setting',
  identitySyncUpdated: 'Update a partner cross-tenant identity sync setting',
  identitySyncDeleted: 'Delete a partner cross-tenant identity sync setting',
} as const

export type AuditInitiator =
  | { user: { id: string; userPrincipalName: string; displayName: string } }
  | { app: { appId: string; displayName: string; servicePrincipalId: string } }

export interface DirectoryAudit {
  /** Milliseconds of activityDateTime (for ordering/filtering without re-parsing). */
  activityMs: number
  /** When the entry becomes visible to Graph reads. */
  visibleAtMs: number
  body: Json
}

export interface ModifiedProperty {
  displayName: string
  oldValue: string | null
  newValue: string | null
}

const json = (v: unknown): string | null => (v === undefined ? null : JSON.stringify(v))

/** One modifiedProperty per top-level property whose value differs (values as JSON strings). */
export function diffProperties(before: Json | null, after: Json | null): ModifiedProperty[] {
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])
  const out: ModifiedProperty[] = []
  for (const k of keys) {
    if (k.startsWith('@odata')) continue
    const o = before?.[k]
    const n = after?.[k]
    if (JSON.stringify(o) === JSON.stringify(n)) continue
    out.push({ displayName: k, oldValue: before ? json(o) : null, newValue: after ? json(n) : null })
  }
  return out
}

export function buildAudit(input: {
  category: string
  activity: string
  operationType: 'Add' | 'Update' | 'Delete'
  initiatedBy: AuditInitiator
  target: { id: string; displayName: string | null; modifiedProperties: ModifiedProperty[] }
  delaySeconds: number
  nowMs?: number
}): DirectoryAudit {
  const now = input.nowMs ?? Date.now()
  const user = 'user' in input.initiatedBy ? input.initiatedBy.user : null
  const app = 'app' in input.initiatedBy ? input.initiatedBy.app : null
  const correlationId = randomUUID()
  return {
    activityMs: now,
    visibleAtMs: now + input.delaySeconds * 1000,
    body: {
      // Core Directory ids look like Directory_<correlation id>_<suffix>_<number>.
      id: `Directory_${correlationId}_${randomUUID().slice(0, 5).toUpperCase()}_${now % 1_000_000_000}`,
      category: input.category,
      correlationId,
      result: 'success',
      resultReason: '',
      activityDisplayName: input.activity,
      activityDateTime: new Date(now).toISOString(),
      loggedByService: 'Core Directory',
      operationType: input.operationType,
      initiatedBy: {
        app: app ? { ...app, servicePrincipalName: null } : null,
        user: user
          ? { ...user, ipAddress: '', userType: null, homeTenantId: null, homeTenantName: null }
          : null,
      },
      targetResources: [
        {
          id: input.target.id,
          displayName: input.target.displayName,
          type: 'Policy',
          userPrincipalName: null,
          groupType: null,
          modifiedProperties: input.target.modifiedProperties,
        },
      ],
      additionalDetails: [],
    },
  }
}

// ---------- $filter ----------

type Clause =
  | { field: 'category' | 'activityDisplayName' | 'loggedByService' | 'result' | 'id'; value: string }
  | { field: 'activityDateTime'; op: 'ge' | 'gt' | 'le' | 'lt'; ms: number }

/** Parses `a eq 'x' and activityDateTime ge 2024-01-01T00:00:00Z …`; null if outside what we support. */
export function parseAuditFilter(filter: string): Clause[] | null {
  const parts = filter.trim().split(/\s+and\s+/i)
  const out: Clause[] = []
  for (const part of parts) {
    const str = /^(category|activityDisplayName|loggedByService|result|id)\s+eq\s+'((?:[^']|'')*)'$/.exec(
      part.trim(),
    )
    if (str?.[1] && str[2] !== undefined) {
      out.push({ field: str[1] as 'category', value: str[2].replace(/''/g, "'") })
      continue
    }
    const date =
      /^activityDateTime\s+(ge|gt|le|lt)\s+(\d{4}-\d{2}-\d{2}(?:T[\d:.]+(?:Z|[+-]\d{2}:\d{2})?)?)$/.exec(
        part.trim(),
      )
    if (date?.[1] && date[2]) {
      const raw = date[2].includes('T') && !/(Z|[+-]\d{2}:\d{2})$/.test(date[2]) ? `${date[2]}Z` : date[2]
      const ms = Date.parse(raw)
      if (Number.isNaN(ms)) return null
      out.push({ field: 'activityDateTime', op: date[1] as 'ge', ms })
      continue
    }
    return null
  }
  return out
}

function matches(e: DirectoryAudit, clauses: Clause[]): boolean {
  for (const c of clauses) {
    if (c.field === 'activityDateTime') {
      const t = e.activityMs
      if (c.op === 'ge' && !(t >= c.ms)) return false
      if (c.op === 'gt' && !(t > c.ms)) return false
      if (c.op === 'le' && !(t <= c.ms)) return false
      if (c.op === 'lt' && !(t < c.ms)) return false
    } else if (e.body[c.field] !== c.value) return false
  }
  return true
}

// ---------- paging ----------

/** The last entry of a page; the next page starts strictly after it in newest-first order. */
interface Cursor {
  t: number
  id: string
}

export function encodeSkipToken(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url')
}

export function decodeSkipToken(token: string): Cursor | null {
  try {
    const v = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown
    if (
      v &&
      typeof v === 'object' &&
      typeof (v as Cursor).t === 'number' &&
      typeof (v as Cursor).id === 'string'
    )
      return v as Cursor
  } catch {
    // fall through: not one of ours
  }
  return null
}

const newestFirst = (a: DirectoryAudit, b: DirectoryAudit): number =>
  b.activityMs - a.activityMs || String(b.body.id).localeCompare(String(a.body.id))

/** One page of visible entries, newest first; `next` is the cursor for the following page, if any. */
export function queryAudits(
  all: DirectoryAudit[],
  opts: { clauses: Clause[]; top: number; after: Cursor | null; nowMs?: number },
): { page: Json[]; next: Cursor | null } {
  const now = opts.nowMs ?? Date.now()
  const visible = all.filter((e) => e.visibleAtMs <= now && matches(e, opts.clauses)).sort(newestFirst)
  const after = opts.after
  const start = after
    ? visible.findIndex(
        (e) =>
          e.activityMs < after.t ||
          (e.activityMs === after.t && String(e.body.id).localeCompare(after.id) < 0),
      )
    : 0
  if (start < 0) return { page: [], next: null }
  const slice = visible.slice(start, start + opts.top)
  const last = slice.at(-1)
  const more = start + opts.top < visible.length
  return {
    page: slice.map((e) => e.body),
    next: more && last ? { t: last.activityMs, id: String(last.body.id) } : null,
  }
}
