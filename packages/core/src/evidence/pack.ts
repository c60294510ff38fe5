// The signed evidence pack: one JSON envelope holding the evidence document's exact bytes, the PDF, and a
// detached Ed25519 signature over each (docs/evidence.md). Verification needs only the signer's public key.
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto'
import { verifyAuditSlice } from './audit-proof.ts'
import type { EvidenceDocument } from './types.ts'

export const EVIDENCE_PACK_FORMAT = 'crosstrust.evidence-pack/v1'

export interface EvidencePack {
  format: typeof EVIDENCE_PACK_FORMAT
  /** The evidence document as signed: its UTF-8 bytes are what the signature covers. */
  document: string
  /** The PDF rendering, base64. */
  pdf: string
  signature: {
    algorithm: 'Ed25519'
    keyId: string
    /** The signer's public key (SPKI PEM), for convenience: verification uses a key the verifier trusts. */
    publicKey: string
    /** base64 Ed25519 signatures of the document bytes and of the PDF bytes. */
    document: string
    pdf: string
  }
}

export interface EvidenceSigningKey {
  privateKey: KeyObject
  publicKey: KeyObject
}

/** Reads the signing key (PKCS#8 PEM, Ed25519); throws a message naming what is wrong, never the key. */
export function evidenceSigningKeyFromPem(pem: string): EvidenceSigningKey {
  let privateKey: KeyObject
  try {
    privateKey = createPrivateKey(pem)
  } catch {
    throw new Error('the evidence signing key is not a PEM private key')
  }
  if (privateKey.asymmetricKeyType !== 'ed25519')
    throw new Error('the evidence signing key must be an Ed25519 key')
  return { privateKey, publicKey: createPublicKey(privateKey) }
}

/** The key id: the first 32 hex digits of the SHA-256 of the public key's DER (SPKI) encoding. */
export function evidenceKeyId(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' })
  return createHash('sha256').update(der).digest('hex').slice(0, 32)
}

export function signEvidencePack(documentJson: string, pdf: Buffer, key: EvidenceSigningKey): EvidencePack {
  if (key.privateKey.asymmetricKeyType !== 'ed25519')
    throw new Error('the evidence signing key must be Ed25519')
  const documentBytes = Buffer.from(documentJson, 'utf8')
  return {
    format: EVIDENCE_PACK_FORMAT,
    document: documentJson,
    pdf: pdf.toString('base64'),
    signature: {
      algorithm: 'Ed25519',
      keyId: evidenceKeyId(key.publicKey),
      publicKey: key.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      document: sign(null, documentBytes, key.privateKey).toString('base64'),
      pdf: sign(null, pdf, key.privateKey).toString('base64'),
    },
  }
}

export type EvidencePackVerification =
  | {
      ok: true
      keyId: string
      documentSha256: string
      customer: { id: string; name: string }
      period: { from: string; to: string }
      auditEvents: number
    }
  | { ok: false; problem: string }

function parsePack(text: string): EvidencePack | string {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return 'the file is not JSON'
  }
  if (typeof value !== 'object' || value === null) return 'the file is not an evidence pack'
  // Untrusted input: every member is checked before the value is used as a pack.
  const pack = value as { format?: unknown; document?: unknown; pdf?: unknown; signature?: unknown }
  const sig = pack.signature as Partial<Record<keyof EvidencePack['signature'], unknown>> | null | undefined
  if (pack.format !== EVIDENCE_PACK_FORMAT) return `unknown format (expected ${EVIDENCE_PACK_FORMAT})`
  if (
    typeof pack.document !== 'string' ||
    typeof pack.pdf !== 'string' ||
    typeof sig !== 'object' ||
    sig === null
  ) {
    return 'the pack lacks its document, PDF or signature'
  }
  if (
    sig.algorithm !== 'Ed25519' ||
    typeof sig.keyId !== 'string' ||
    typeof sig.document !== 'string' ||
    typeof sig.pdf !== 'string'
  ) {
    return 'the pack lacks an Ed25519 signature'
  }
  return pack as EvidencePack
}

/**
 * Verifies a pack against the public key the verifier trusts (PEM): the key ids match, both signatures hold,
 * and the audit slice inside the document rehashes and chains.
 */
export function verifyEvidencePack(text: string, trustedPublicKeyPem: string): EvidencePackVerification {
  const pack = parsePack(text)
  if (typeof pack === 'string') return { ok: false, problem: pack }
  const trusted = createPublicKey(trustedPublicKeyPem)
  if (trusted.asymmetricKeyType !== 'ed25519')
    return { ok: false, problem: 'the trusted key is not an Ed25519 key' }
  const keyId = evidenceKeyId(trusted)
  if (pack.signature.keyId !== keyId) {
    return { ok: false, problem: `signed by key ${pack.signature.keyId}, not by the trusted key ${keyId}` }
  }
  const documentBytes = Buffer.from(pack.document, 'utf8')
  if (!verify(null, documentBytes, trusted, Buffer.from(pack.signature.document, 'base64'))) {
    return { ok: false, problem: 'the document signature does not match: the document was changed' }
  }
  if (!verify(null, Buffer.from(pack.pdf, 'base64'), trusted, Buffer.from(pack.signature.pdf, 'base64'))) {
    return { ok: false, problem: 'the PDF signature does not match: the PDF was changed' }
  }
  let document: EvidenceDocument
  let audit: ReturnType<typeof verifyAuditSlice>
  try {
    document = JSON.parse(pack.document) as EvidenceDocument
    audit = verifyAuditSlice(document.auditLog)
  } catch {
    return { ok: false, problem: 'the signed document is not an evidence document' }
  }
  if (!audit.ok) return { ok: false, problem: `audit log slice: ${audit.problem}` }
  return {
    ok: true,
    keyId,
    documentSha256: createHash('sha256').update(documentBytes).digest('hex'),
    customer: { id: document.customer.id, name: document.customer.name },
    period: document.period,
    auditEvents: audit.events,
  }
}
