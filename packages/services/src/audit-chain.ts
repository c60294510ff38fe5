// Verifies the audit hash chain (migration `audit_hash_chain`): walks audit_events in chain order, page by
// page, recomputing every row's hash in TypeScript (@crosstrust/core) rather than trusting the database's.
import { AUDIT_CHAIN_GENESIS, auditEventHash, type AuditChainRow } from '@crosstrust/core'
import type { Db } from '@crosstrust/db'

/**
 * - `content_changed`: the row's stored hash does not match its content.
 * - `row_missing`: the chain skips a position (rows were deleted).
 * - `row_inserted`: the row took a position it was not appended to (it and its successor claim the same
 *   predecessor, or two rows share a position).
 * - `link_broken`: the row does not follow its predecessor otherwise (the predecessor was rewritten with a
 *   recomputed hash, or this row was written outside the chain).
 * - `anchor_mismatch`: a head recorded earlier outside the database (`anchor`) is not in the chain any more:
 *   the newest rows were deleted, or the whole chain was recomputed. Only an anchor can show these two.
 */
export type AuditChainBreakKind =
  'content_changed' | 'row_missing' | 'row_inserted' | 'link_broken' | 'anchor_mismatch'

export interface AuditChainBreak {
  kind: AuditChainBreakKind
  /** Chain position of the broken link. */
  seq: string
  /** The row at that position, null when it is missing. */
  id: string | null
  expected: string
  found: string
  message: string
}

export type AuditChainVerification =
  | { ok: true; count: number; headSeq: string | null; headHash: string }
  | { ok: false; count: number; break: AuditChainBreak }

/** An audit row as the chain queries select it (ids, sequence numbers and jsonb columns as text). */
export interface AuditRawRow {
  seq: string
  id: string
  at: Date
  actor_type: string
  actor_id: string | null
  actor_name: string | null
  action: string
  customer_id: string | null
  entity_type: string | null
  entity_id: string | null
  before: string | null
  after: string | null
  request_id: string | null
  ip: string | null
  prev_hash: string
  hash: string
}

interface ChainRow extends AuditChainRow {
  hash: string
}

/** A selected audit row in the chain's field names. */
export function chainRow(r: AuditRawRow): ChainRow {
  return {
    seq: r.seq,
    id: r.id,
    at: r.at,
    actorType: r.actor_type,
    actorId: r.actor_id,
    actorName: r.actor_name,
    action: r.action,
    customerId: r.customer_id,
    entityType: r.entity_type,
    entityId: r.entity_id,
    beforeJson: r.before,
    afterJson: r.after,
    requestId: r.request_id,
    ip: r.ip,
    prevHash: r.prev_hash,
    hash: r.hash,
  }
}

async function page(db: Db, after: bigint, limit: number): Promise<ChainRow[]> {
  // jsonb as text: the canonical form keeps jsonb's number literals (see @crosstrust/core audit-chain).
  const rows = await db.$queryRaw<AuditRawRow[]>`
    SELECT chain_seq::text AS seq, id::text AS id, at, actor_type::text AS actor_type, actor_id, actor_name,
           action, customer_id::text AS customer_id, entity_type, entity_id, before::text AS before,
           after::text AS after, request_id, ip, prev_hash, hash
    FROM audit_events WHERE chain_seq > ${after} ORDER BY chain_seq LIMIT ${limit}`
  return rows.map(chainRow)
}

/** Walks the whole chain; stops at the first broken link. Reads `pageSize` rows per query. */
export async function verifyAuditChain(
  db: Db,
  options: { pageSize?: number; anchor?: { seq: string; hash: string } } = {},
): Promise<AuditChainVerification> {
  const pageSize = options.pageSize ?? 1000
  const anchor = options.anchor
  let anchorSeen = false
  let previous: ChainRow | null = null
  let count = 0
  let cursor = 0n
  for (;;) {
    const rows = await page(db, cursor, pageSize)
    for (const row of rows) {
      const broken = checkLink(previous, row)
      if (broken) return { ok: false, count, break: broken }
      if (anchor !== undefined && row.seq === anchor.seq) {
        if (row.hash !== anchor.hash) return { ok: false, count, break: anchorBreak(anchor, row) }
        anchorSeen = true
      }
      previous = row
      count += 1
    }
    if (rows.length < pageSize) break
    cursor = BigInt(rows[rows.length - 1]?.seq ?? '0')
  }
  if (anchor !== undefined && !anchorSeen) return { ok: false, count, break: anchorBreak(anchor, null) }
  return {
    ok: true,
    count,
    headSeq: previous?.seq ?? null,
    headHash: previous?.hash ?? AUDIT_CHAIN_GENESIS,
  }
}

function anchorBreak(anchor: { seq: string; hash: string }, row: ChainRow | null): AuditChainBreak {
  return {
    kind: 'anchor_mismatch',
    seq: anchor.seq,
    id: row?.id ?? null,
    expected: anchor.hash,
    found: row?.hash ?? 'no row',
    message: row
      ? `the row at position ${anchor.seq} no longer has the hash recorded earlier: the chain was recomputed`
      : `the chain no longer reaches position ${anchor.seq}, recorded earlier: its newest rows were deleted`,
  }
}

function checkLink(previous: ChainRow | null, row: ChainRow): AuditChainBreak | null {
  const expectedSeq = previous ? BigInt(previous.seq) + 1n : 1n
  const expectedPrev = previous?.hash ?? AUDIT_CHAIN_GENESIS
  const seq = BigInt(row.seq)
  if (seq > expectedSeq) {
    return {
      kind: 'row_missing',
      seq: expectedSeq.toString(),
      id: null,
      expected: `seq ${expectedSeq.toString()}`,
      found: `seq ${row.seq}`,
      message: `no row at position ${expectedSeq.toString()}: the next row (id ${row.id}) is at ${row.seq}`,
    }
  }
  if (seq < expectedSeq) {
    return {
      kind: 'row_inserted',
      seq: row.seq,
      id: row.id,
      expected: `seq ${expectedSeq.toString()}`,
      found: `seq ${row.seq}`,
      message: `row id ${row.id} shares position ${row.seq} with the row before it`,
    }
  }
  if (row.prevHash !== expectedPrev) {
    if (previous && row.prevHash === previous.prevHash) {
      return {
        kind: 'row_inserted',
        seq: previous.seq,
        id: previous.id,
        expected: row.prevHash,
        found: previous.hash,
        message: `row id ${previous.id} at position ${previous.seq} was slipped in: the next row still links to its predecessor`,
      }
    }
    return {
      kind: 'link_broken',
      seq: row.seq,
      id: row.id,
      expected: expectedPrev,
      found: row.prevHash,
      message: `row id ${row.id} at position ${row.seq} does not link to the row before it`,
    }
  }
  const recomputed = auditEventHash(row)
  if (recomputed !== row.hash) {
    return {
      kind: 'content_changed',
      seq: row.seq,
      id: row.id,
      expected: row.hash,
      found: recomputed,
      message: `row id ${row.id} at position ${row.seq} no longer matches its hash: its content was changed`,
    }
  }
  return null
}
