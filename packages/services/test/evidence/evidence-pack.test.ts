// The evidence pack of one customer and period, from a real database: the JSON validates against its schema
// and holds the drift with its attribution, the onboarding record, the deviation, the repair and the trust
// change; the audit slice proves itself; the PDF renders (pages kept as PNG) and reads right; the signature
// verifies and a tampered pack does not; the export is audited.
import { readFileSync } from 'node:fs'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import { verifyEvidencePack, type EvidenceDocument } from '@crosstrust/core'
import { createTestDatabase, type TestDatabase } from '@crosstrust/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exportEvidencePack, type ServiceContext } from '../../src/index.ts'
import {
  audit,
  inspectPdf,
  MONTH_START,
  printed,
  t,
  PARTNER,
  seedContoso,
  signingKey,
  STAFF,
  TENANT,
} from './evidence-support.ts'

const schema = JSON.parse(
  readFileSync(new URL('../../src/evidence/evidence.schema.json', import.meta.url), 'utf8'),
) as object
const ajv = new Ajv2020({ allErrors: true, strict: true })
addFormats.default(ajv)
const validate = ajv.compile(schema)

let db: TestDatabase
let ctx: ServiceContext
let customerId: string
let driftRunId: string
const { key, publicPem } = signingKey()
const settings = { partner: PARTNER, signingKey: key }
const period = { from: MONTH_START.toISOString().slice(0, 10), to: t('30T00:00:00').toISOString() }

beforeAll(async () => {
  db = await createTestDatabase()
  ctx = {
    db: db.prisma,
    now: () => t('31T08:00:00'),
    enqueue: () => Promise.reject(new Error('no jobs')),
  }
  ;({ customerId, driftRunId } = await seedContoso(db.prisma))
  // Another customer's audit rows in between: the slice links across them by hash only.
  const other = await db.prisma.customer.create({ data: { name: 'Fabrikam' } })
  await audit(db.prisma, { ...STAFF, action: 'customer.created', customerId: other.id })
  await audit(db.prisma, {
    ...STAFF,
    action: 'apply.requested',
    customerId,
    after: { trigger: 'staff' },
  })
})
afterAll(async () => {
  await db.drop()
})

describe('evidence pack', () => {
  it('is a signed JSON document that validates against its schema and holds the whole story', async () => {
    const { pack, fileName } = await exportEvidencePack(ctx, settings, customerId, period, STAFF)
    expect(fileName).toBe(
      `crosstrust-evidence-contoso-manufacturing-ab-${period.from}-${period.to.slice(0, 10)}.json`,
    )
    const doc = JSON.parse(pack.document) as EvidenceDocument
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true)

    expect(doc.customer).toMatchObject({ id: customerId, name: 'Contoso Manufacturing AB', tenantId: TENANT })
    expect(doc.onboarding.consents).toEqual([
      expect.objectContaining({
        action: 'consent.signed_in',
        tenantId: TENANT,
        admin: { oid: 'oid-gus', name: 'Gus Admin', username: 'gus@contoso.com' },
      }),
      expect.objectContaining({ action: 'consent.granted', tenantId: TENANT }),
    ])
    expect(doc.policyVersions.map((v) => [v.version, v.publishedBy])).toEqual([[1, 'built-in']])
    expect(doc.checks).toHaveLength(5)
    expect(doc.drifts.map((d) => [d.checkRunId, d.outcome, d.attribution?.status])).toEqual([
      [driftRunId, 'drifted', 'found'],
    ])
    expect(doc.drifts[0]?.attribution?.entries.map((e) => e.actor)).toEqual([
      { type: 'user', userPrincipalName: 'anna@contoso.com', displayName: 'Anna Lind' },
    ])
    expect(doc.deviations).toEqual([
      expect.objectContaining({
        reason: 'Hybrid-joined kiosks in the factory',
        owner: 'gus@contoso.com',
        approver: 'Oskar Operator',
      }),
    ])
    expect(doc.remediations).toEqual([
      expect.objectContaining({
        kind: 'apply',
        outcome: 'remediated',
        after: { inboundTrust: { isMfaAccepted: true, isCompliantDeviceAccepted: true } },
      }),
    ])
    expect(doc.trust.changes).toEqual([expect.objectContaining({ from: 'partly', to: 'effective' })])
    expect(doc.summary).toMatchObject({
      checks: 5,
      compliancePercent: 75,
      drifts: 1,
      driftsAttributed: 1,
      meanTimeToDetectSeconds: 28 * 60,
      meanTimeToRepairSeconds: 30 * 60,
      deviationsOpenAtEnd: 1,
      trustVerdict: 'effective',
    })
    expect(doc.timeline.map((e) => e.text)).toContain(
      `Drift found: Update a partner cross-tenant access setting by anna@contoso.com at ${printed(t('10T14:02:00'))}`,
    )
    // Only this customer's rows, linked through the other customer's row by its hash.
    expect(doc.auditLog.events.map((e) => e.action)).toEqual([
      'consent.signed_in',
      'consent.granted',
      'apply.requested',
    ])
    expect(doc.auditLog.links).toHaveLength(4)
    expect(JSON.stringify(doc.auditLog)).not.toContain('Fabrikam')

    expect(verifyEvidencePack(JSON.stringify(pack), publicPem)).toMatchObject({ ok: true, auditEvents: 3 })
    const exported = await db.prisma.auditEvent.findFirstOrThrow({ where: { action: 'evidence.exported' } })
    expect(exported).toMatchObject({ customerId, actorName: 'Ann Auditor' })
    expect(exported.after).toMatchObject({ keyId: pack.signature.keyId })
  })

  it('refuses a pack whose document or audit rows were edited', async () => {
    const { pack } = await exportEvidencePack(ctx, settings, customerId, period, STAFF)
    const edited = { ...pack, document: pack.document.replace('anna@contoso.com', 'someone@contoso.com') }
    expect(verifyEvidencePack(JSON.stringify(edited), publicPem)).toMatchObject({ ok: false })
  })

  it('renders a PDF a person reads: name, period, summary table, drift with its author, timeline', async () => {
    const { pack } = await exportEvidencePack(ctx, settings, customerId, period, STAFF)
    const { text, pages } = inspectPdf(Buffer.from(pack.pdf, 'base64'), 'contoso-evidence')
    expect(pages.length).toBeGreaterThanOrEqual(2)
    for (const expected of [
      'Evidence pack: Contoso Manufacturing AB',
      `Period ${printed(MONTH_START)} to ${printed(t('30T00:00:00'))}`,
      'Summary',
      'Compliance',
      '75 %',
      'Mean time to detect',
      '28 min',
      'anna@contoso.com',
      'Hybrid-joined kiosks in the factory',
      'inboundTrust.isMfaAccepted',
      'Timeline',
      'Audit log and hash chain',
      'gus@contoso.com',
    ]) {
      expect(text).toContain(expected)
    }
    expect(text).toMatch(/Page 1 of \d/)
  })

  it('answers 404 for an unknown customer, 400 for a bad period, and refuses without a signing key', async () => {
    await expect(
      exportEvidencePack(ctx, settings, '00000000-0000-4000-8000-000000000000', period, STAFF),
    ).rejects.toMatchObject({ code: 'customer_not_found' })
    await expect(
      exportEvidencePack(ctx, settings, customerId, { from: '2026-11-30', to: '2026-11-01' }, STAFF),
    ).rejects.toMatchObject({ code: 'validation_failed' })
    await expect(
      exportEvidencePack(ctx, settings, customerId, { from: '2024-01-01', to: '2026-11-01' }, STAFF),
    ).rejects.toMatchObject({ code: 'validation_failed' })
    await expect(
      exportEvidencePack(ctx, { ...settings, signingKey: null }, customerId, period, STAFF),
    ).rejects.toMatchObject({ code: 'evidence_signing_not_configured' })
  })
})
