// Checks the audit slice of an evidence document on its own, without the database: every included row is
// rehashed (packages/core audit-chain.ts, the database's canonical form) from the hash of the position before
// it, and the chain is followed across the positions of other customers by their hashes.
import { AUDIT_CHAIN_GENESIS, auditEventHash } from '../audit-chain.ts'
import type { EvidenceAuditLog } from './types.ts'

export const AUDIT_PROOF_ALGORITHM =
  'sha256_hex(prevHash + "\\n" + canonical JSON of the row), chained by chain_seq from ' + AUDIT_CHAIN_GENESIS

export type AuditSliceCheck = { ok: true; events: number; links: number } | { ok: false; problem: string }

export function verifyAuditSlice(log: EvidenceAuditLog): AuditSliceCheck {
  if (log.events.length === 0) {
    return log.links.length === 0
      ? { ok: true, events: 0, links: 0 }
      : { ok: false, problem: 'links without events' }
  }
  const events = new Map(log.events.map((e) => [e.seq, e]))
  let previousHash = log.firstPrevHash
  let expectedSeq: bigint | null = null
  for (const link of log.links) {
    const seq = BigInt(link.seq)
    if (expectedSeq !== null && seq !== expectedSeq) {
      return { ok: false, problem: `the links skip from position ${String(expectedSeq - 1n)} to ${link.seq}` }
    }
    const event = events.get(link.seq)
    if (event !== undefined) {
      if (event.prevHash !== previousHash) {
        return {
          ok: false,
          problem: `audit row ${event.id} (position ${link.seq}) does not follow the row before it`,
        }
      }
      const recomputed = auditEventHash({ ...event, at: new Date(event.at) })
      if (recomputed !== event.hash || recomputed !== link.hash) {
        return { ok: false, problem: `audit row ${event.id} (position ${link.seq}) does not match its hash` }
      }
      events.delete(link.seq)
    }
    previousHash = link.hash
    expectedSeq = seq + 1n
  }
  if (events.size > 0) {
    return { ok: false, problem: `audit rows outside the chain links: ${[...events.keys()].join(', ')}` }
  }
  return { ok: true, events: log.events.length, links: log.links.length }
}
