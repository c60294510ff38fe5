// Signed evidence packs: a pack verifies against the signer's key, and any change to the document, the PDF,
// the signature or the signer is refused; the audit slice inside is rehashed and followed across the chain.
import { generateKeyPairSync } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  AUDIT_CHAIN_GENESIS,
  auditEventHash,
  evidenceSigningKeyFromPem,
  signEvidencePack,
  verifyAuditSlice,
  verifyEvidencePack,
  type EvidenceAuditEvent,
  type EvidenceAuditLog,
} from '../src/index.ts'

function keyPair() {
  const { privateKey } = generateKeyPairSync('ed25519')
  const key = evidenceSigningKeyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString())
  return { key, publicPem: key.publicKey.export({ type: 'spki', format: 'pem' }).toString() }
}

/** A chain of four rows; rows 1 and 3 belong to the customer, 2 and 4 to someone else. */
function chain(): { log: EvidenceAuditLog; rows: EvidenceAuditEvent[] } {
  const rows: EvidenceAuditEvent[] = []
  let prev = AUDIT_CHAIN_GENESIS
  for (let i = 1; i <= 4; i += 1) {
    const row = {
      seq: String(i),
      id: String(i),
      at: `2026-11-10T0${String(i)}:00:00.000Z`,
      actorType: 'staff',
      actorId: 'oid',
      actorName: 'Ann',
      action: 'test.event',
      customerId:
        i % 2 === 1 ? '11111111-1111-4111-8111-111111111111' : '22222222-2222-4222-8222-222222222222',
      entityType: null,
      entityId: null,
      beforeJson: null,
      afterJson: `{"i": ${String(i)}, "price": 1.50}`,
      requestId: null,
      ip: null,
      prevHash: prev,
    }
    const hash = auditEventHash({ ...row, at: new Date(row.at) })
    rows.push({ ...row, hash })
    prev = hash
  }
  const own = rows.filter((r) => Number(r.seq) % 2 === 1)
  return {
    rows,
    log: {
      algorithm: 'sha256',
      events: own,
      links: rows.slice(0, 3).map((r) => ({ seq: r.seq, hash: r.hash })),
      firstPrevHash: AUDIT_CHAIN_GENESIS,
      chainHead: { seq: '4', hash: rows[3]?.hash ?? '' },
    },
  }
}

/** The problem a failed check names (null when it passed). */
const problemOf = (result: { ok: true } | { ok: false; problem: string }) =>
  result.ok ? null : result.problem

function document(log: EvidenceAuditLog) {
  return `${JSON.stringify({ customer: { id: 'c1', name: 'Contoso' }, period: { from: 'a', to: 'b' }, auditLog: log }, null, 2)}\n`
}

describe('audit slice', () => {
  it('rehashes the customer rows and follows the chain across other rows by their hashes', () => {
    expect(verifyAuditSlice(chain().log)).toEqual({ ok: true, events: 2, links: 3 })
  })

  it('finds a changed row, a missing link and a row outside the links', () => {
    const { log } = chain()
    const changed = {
      ...log,
      events: log.events.map((e, i) => (i === 1 ? { ...e, afterJson: '{"i": 4}' } : e)),
    }
    expect(problemOf(verifyAuditSlice(changed))).toContain('does not match its hash')
    expect(problemOf(verifyAuditSlice({ ...log, links: log.links.filter((l) => l.seq !== '2') }))).toContain(
      'skip',
    )
    expect(problemOf(verifyAuditSlice({ ...log, links: log.links.slice(0, 2) }))).toContain('outside')
    expect(problemOf(verifyAuditSlice({ ...log, firstPrevHash: 'f'.repeat(64) }))).toContain(
      'does not follow',
    )
  })
})

describe('evidence pack signature', () => {
  const pdf = Buffer.from('%PDF-1.7 test')

  it('verifies with the signer public key and names the customer and period', () => {
    const { key, publicPem } = keyPair()
    const pack = signEvidencePack(document(chain().log), pdf, key)
    expect(verifyEvidencePack(JSON.stringify(pack), publicPem)).toMatchObject({
      ok: true,
      keyId: pack.signature.keyId,
      customer: { id: 'c1', name: 'Contoso' },
      auditEvents: 2,
    })
  })

  it('refuses a changed document, a changed PDF, another signer and a non-pack', () => {
    const { key, publicPem } = keyPair()
    const pack = signEvidencePack(document(chain().log), pdf, key)
    const tampered = { ...pack, document: pack.document.replace('Contoso', 'Contoso Ltd') }
    expect(problemOf(verifyEvidencePack(JSON.stringify(tampered), publicPem))).toContain(
      'document was changed',
    )
    const pdfChanged = { ...pack, pdf: Buffer.from('%PDF-1.7 other').toString('base64') }
    expect(problemOf(verifyEvidencePack(JSON.stringify(pdfChanged), publicPem))).toContain('PDF was changed')
    // Re-signed by someone else, with their key id and public key inside: the trusted key still decides.
    const other = keyPair()
    const resigned = signEvidencePack(tampered.document, pdf, other.key)
    expect(problemOf(verifyEvidencePack(JSON.stringify(resigned), publicPem))).toContain(
      'not by the trusted key',
    )
    expect(problemOf(verifyEvidencePack('{"format":"zip"}', publicPem))).toContain('unknown format')
    expect(verifyEvidencePack('not json', publicPem)).toEqual({ ok: false, problem: 'the file is not JSON' })
  })

  it('refuses a signing key that is not Ed25519', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    expect(() =>
      evidenceSigningKeyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()),
    ).toThrow('must be an Ed25519 key')
    expect(() => evidenceSigningKeyFromPem('nonsense')).toThrow('not a PEM private key')
  })
})
