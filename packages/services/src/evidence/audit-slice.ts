// The customer's audit rows of a period with the chain links that connect them (see EvidenceAuditLog in
// @crosstrust/core): every position between the first and the last row, other customers' rows by hash only.
import { AUDIT_PROOF_ALGORITHM, type EvidenceAuditEvent, type EvidenceAuditLog } from '@crosstrust/core'
import type { Db } from '@crosstrust/db'
import { chainRow, type AuditRawRow } from '../audit-chain.ts'
import type { Period } from './period.ts'

function eventOf(r: AuditRawRow): EvidenceAuditEvent {
  return { ...chainRow(r), at: r.at.toISOString() }
}

export async function loadAuditSlice(db: Db, customerId: string, period: Period): Promise<EvidenceAuditLog> {
  // jsonb as text: the chain hashes jsonb's own number literals (@crosstrust/core audit-chain.ts).
  const rows = await db.$queryRaw<AuditRawRow[]>`
    SELECT chain_seq::text AS seq, id::text AS id, at, actor_type::text AS actor_type, actor_id, actor_name,
           action, customer_id::text AS customer_id, entity_type, entity_id, before::text AS before,
           after::text AS after, request_id, ip, prev_hash, hash
    FROM audit_events
    WHERE customer_id = ${customerId}::uuid AND at >= ${period.from} AND at <= ${period.to}
    ORDER BY chain_seq`
  const head = await db.$queryRaw<{ seq: string; hash: string }[]>`
    SELECT chain_seq::text AS seq, hash FROM audit_events ORDER BY chain_seq DESC LIMIT 1`
  const chainHead = head[0] ? { seq: head[0].seq, hash: head[0].hash } : { seq: null, hash: '0'.repeat(64) }
  const first = rows[0]
  const last = rows[rows.length - 1]
  if (first === undefined || last === undefined) {
    return { algorithm: AUDIT_PROOF_ALGORITHM, events: [], links: [], firstPrevHash: null, chainHead }
  }
  const links = await db.$queryRaw<{ seq: string; hash: string }[]>`
    SELECT chain_seq::text AS seq, hash FROM audit_events
    WHERE chain_seq BETWEEN ${BigInt(first.seq)} AND ${BigInt(last.seq)} ORDER BY chain_seq`
  return {
    algorithm: AUDIT_PROOF_ALGORITHM,
    events: rows.map(eventOf),
    links,
    firstPrevHash: first.prev_hash,
    chainHead,
  }
}
