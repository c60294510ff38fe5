// The evidence pack export: collect, assemble, render, sign, and record who exported what (docs/evidence.md).
import {
  assembleEvidence,
  NotConfiguredError,
  sha256Hex,
  signEvidencePack,
  type EvidencePack,
  type EvidenceSigningKey,
} from '@crosstrust/core'
import { recordAudit } from '../audit.ts'
import type { Actor, ServiceContext } from '../context.ts'
import { requireCustomer } from '../customers.ts'
import { collectEvidence } from './collect.ts'
import { renderEvidencePdf } from './evidence-pdf.ts'
import { resolvePeriod } from './period.ts'

export interface EvidenceSettings {
  partner: { name: string; tenantId: string }
  /** From EVIDENCE_SIGNING_KEY(_FILE); null: this deployment cannot sign packs and refuses to export. */
  signingKey: EvidenceSigningKey | null
}

export interface ExportedEvidencePack {
  pack: EvidencePack
  fileName: string
}

const slug = (name: string) =>
  name
    .normalize('NFKD')
    .replace(/[^a-zA-Z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase() || 'customer'

export async function exportEvidencePack(
  ctx: ServiceContext,
  settings: EvidenceSettings,
  customerId: string,
  query: unknown,
  actor: Actor,
): Promise<ExportedEvidencePack> {
  const customer = await requireCustomer(ctx, customerId)
  const now = ctx.now()
  const period = resolvePeriod(query, now)
  const key = settings.signingKey
  if (key === null) {
    throw new NotConfiguredError('Evidence packs cannot be signed: set EVIDENCE_SIGNING_KEY_FILE.', {
      code: 'evidence_signing_not_configured',
    })
  }
  const document = assembleEvidence(await collectEvidence(ctx.db, customer.id, period, settings.partner, now))
  const documentJson = `${JSON.stringify(document, null, 2)}\n`
  const documentSha256 = sha256Hex(documentJson)
  const pdf = await renderEvidencePdf(document, documentSha256)
  const pack = signEvidencePack(documentJson, pdf, key)
  await ctx.db.$transaction((tx) =>
    recordAudit(tx, actor, {
      action: 'evidence.exported',
      customerId: customer.id,
      after: {
        from: document.period.from,
        to: document.period.to,
        keyId: pack.signature.keyId,
        documentSha256,
        auditEvents: document.auditLog.events.length,
      },
    }),
  )
  const fileName = `crosstrust-evidence-${slug(customer.name)}-${document.period.from.slice(0, 10)}-${document.period.to.slice(0, 10)}.json`
  return { pack, fileName }
}
