import type { AuditEvent, Db, Prisma } from '@crosstrust/db'
import { z } from 'zod'
import { cursorParam, decodeTimeCursor, keysetPage, pageLimit, timeCursor } from './cursor.ts'
import type { JsonValue } from './policy-diff-view.ts'
import { parseQuery } from './runs.ts'

// The audit trail, newest first, keyset paginated on (at, id) over `(customer_id, at desc)` / `(at desc)`.

export const auditListQuerySchema = z.object({
  customerId: z.uuid().optional(),
  /** Exact action (`customer.created`) or a family (`customer.*`). */
  action: z
    .string()
    .trim()
    .max(100)
    .regex(/^[a-z_]+(\.[a-z_]+)*(\.\*)?$/, 'an action like customer.created, or a family like customer.*')
    .optional(),
  actorId: z.string().trim().max(200).optional(),
  limit: pageLimit(200, 50),
  cursor: cursorParam,
})
export type AuditListQuery = z.input<typeof auditListQuerySchema>

export interface AuditEventView {
  /** The event's sequence number (a bigint in the database, a string here so JSON keeps it exact). */
  id: string
  at: Date
  actorType: 'staff' | 'system' | 'customer_admin'
  actorId: string | null
  actorName: string | null
  action: string
  customerId: string | null
  entityType: string | null
  entityId: string | null
  /** What the event changed, as recorded (each action records its own shape); null when not recorded. */
  before: JsonValue | null
  after: JsonValue | null
  requestId: string | null
}

export function auditEventView(e: AuditEvent): AuditEventView {
  return {
    id: e.id.toString(),
    at: e.at,
    actorType: e.actorType,
    actorId: e.actorId,
    actorName: e.actorName,
    action: e.action,
    customerId: e.customerId,
    entityType: e.entityType,
    entityId: e.entityId,
    before: e.before,
    after: e.after,
    requestId: e.requestId,
  }
}

export async function listAuditEvents(
  db: Db,
  raw: AuditListQuery = {},
): Promise<{ items: AuditEventView[]; nextCursor: string | null }> {
  const query = parseQuery(auditListQuerySchema, raw, 'audit event query')
  const where: Prisma.AuditEventWhereInput = { customerId: query.customerId, actorId: query.actorId }
  if (query.action !== undefined) {
    where.action = query.action.endsWith('.*') ? { startsWith: query.action.slice(0, -1) } : query.action
  }
  if (query.cursor !== undefined) {
    const { at, id } = decodeTimeCursor(query.cursor, 'at', (v) => /^\d{1,19}$/.test(v))
    where.OR = [{ at: { lt: at } }, { at, id: { lt: BigInt(id) } }]
  }
  const rows = await db.auditEvent.findMany({
    where,
    orderBy: [{ at: 'desc' }, { id: 'desc' }],
    take: query.limit + 1,
  })
  const { page, nextCursor } = keysetPage(rows, query.limit, (last) => timeCursor('at', last.at, last.id))
  return { items: page.map(auditEventView), nextCursor }
}
