// Shared by the evidence tests: a customer's history written straight into a fresh database (consent, checks,
// a drift with its attribution, a repair, a deviation, a trust change), a signing key, and the PDF tools.
import { execFileSync } from 'node:child_process'
import { generateKeyPairSync } from 'node:crypto'
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { evidenceSigningKeyFromPem } from '@crosstrust/core'
import type { Db } from '@crosstrust/db'
import type { Actor } from '../../src/index.ts'

export const PARTNER = { name: 'Truesec Detect AB', tenantId: '07d2f395-f69c-43ab-88a2-b82f1151042d' }
export const STAFF: Actor = { type: 'staff', id: 'oid-ann', name: 'Ann Auditor' }
export const TENANT = '5b0c6d8e-2f4a-4c1b-9e3d-7a6b5c4d3e2f'
const ADMIN: Actor = { type: 'customer_admin', id: 'oid-gus', name: 'gus@contoso.com' }

/** Where the rendered pages are kept for people to look at (git-ignored). */
export const ARTIFACTS = fileURLToPath(new URL('../../../../test-artifacts/evidence/', import.meta.url))

export function signingKey() {
  const { privateKey } = generateKeyPairSync('ed25519')
  const key = evidenceSigningKeyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString())
  return { key, publicPem: key.publicKey.export({ type: 'spki', format: 'pem' }).toString() }
}

/**
 * The story happens in a month that starts 20 days before today, so the audit rows, which the database dates
 * itself (now), fall inside it too. `t('10T14:02:00')` is the 10th day of that month at 14:02 UTC.
 */
export const MONTH_START = new Date(Math.floor(Date.now() / 86_400_000 - 20) * 86_400_000)
export function t(dayAndTime: string): Date {
  const [day = '01', time = '00:00:00'] = dayAndTime.split('T')
  const [h = 0, m = 0, sec = 0] = time.split(':').map(Number)
  return new Date(MONTH_START.getTime() + (Number(day) - 1) * 86_400_000 + ((h * 60 + m) * 60 + sec) * 1000)
}
/** As the PDF and the timeline print a time. */
export const printed = (date: Date) => `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`

/** One audit row, dated by the database (now). */
export async function audit(
  db: Db,
  row: Actor & { action: string; customerId: string; after?: object },
): Promise<void> {
  await db.auditEvent.create({
    data: {
      actorType: row.type,
      actorId: row.id ?? null,
      actorName: row.name ?? null,
      action: row.action,
      customerId: row.customerId,
      ...(row.after === undefined ? {} : { after: row.after }),
    },
  })
}

/**
 * Contoso: consented, compliant checks, MFA trust turned off by anna@contoso.com on day 10 at 14:02
 * (found by the 14:30 check, attributed), repaired at 15:00, a deviation accepted, trust changed.
 * Returns the customer id and the drifted run's id.
 */
export async function seedContoso(db: Db): Promise<{ customerId: string; driftRunId: string }> {
  const customer = await db.customer.create({
    data: {
      name: 'Contoso Manufacturing AB',
      tenantId: TENANT,
      tenantDisplayName: 'Contoso',
      verifiedDomains: ['contoso.com'],
      onboardingState: 'onboarded',
      complianceState: 'compliant',
      mode: 'alert',
    },
  })
  const customerId = customer.id
  const admin = { oid: 'oid-gus', name: 'Gus Admin', username: 'gus@contoso.com' }
  await audit(db, {
    ...ADMIN,
    action: 'consent.signed_in',
    customerId,
    after: { tenantId: TENANT, basis: 'expected', admin },
  })
  await audit(db, {
    ...ADMIN,
    action: 'consent.granted',
    customerId,
    after: { tenantId: TENANT, admin, callbackTenant: TENANT },
  })
  const run = (startedAt: string, outcome: 'compliant' | 'drifted' | 'remediated', extra: object = {}) =>
    db.checkRun.create({
      data: {
        customerId,
        kind: 'check',
        trigger: 'schedule',
        outcome,
        policyVersion: 1,
        startedAt: t(startedAt),
        finishedAt: t(startedAt),
        ...extra,
      },
    })
  await run('02T10:00:00', 'compliant')
  await run('10T08:30:00', 'compliant')
  const drift = await run('10T14:30:00', 'drifted', {
    diff: {
      status: 'drifted',
      removalKind: null,
      fields: [{ path: 'inboundTrust.isMfaAccepted', desired: true, observed: false, drift: true }],
    },
  })
  await db.driftAttribution.create({
    data: {
      checkRunId: drift.id,
      customerId,
      status: 'found',
      windowStart: t('10T08:30:00'),
      windowEnd: t('10T14:30:00'),
      attempts: 1,
      entries: [
        {
          auditId: 'Directory_0f1e',
          activity: 'Update a partner cross-tenant access setting',
          activityDateTime: t('10T14:02:00').toISOString(),
          actor: { type: 'user', userPrincipalName: 'anna@contoso.com', displayName: 'Anna Lind' },
          ours: false,
          modifiedProperties: [
            { name: 'InboundTrust', oldValue: '{"isMfaAccepted":true}', newValue: '{"isMfaAccepted":false}' },
          ],
        },
      ],
    },
  })
  await db.checkRun.create({
    data: {
      customerId,
      kind: 'apply',
      trigger: 'staff',
      outcome: 'remediated',
      policyVersion: 1,
      startedAt: t('10T15:00:00'),
      finishedAt: t('10T15:00:00'),
      before: { inboundTrust: { isMfaAccepted: false, isCompliantDeviceAccepted: true } },
      after: { inboundTrust: { isMfaAccepted: true, isCompliantDeviceAccepted: true } },
    },
  })
  await run('10T20:30:00', 'compliant')
  await db.acceptedDeviation.create({
    data: {
      customerId,
      field: 'inboundTrust.isHybridAzureADJoinedDeviceAccepted',
      acceptedValue: true,
      reason: 'Hybrid-joined kiosks in the factory',
      owner: 'gus@contoso.com',
      expiresAt: t('45T00:00:00'),
      createdBy: 'Oskar Operator',
      createdAt: t('05T09:00:00'),
    },
  })
  await db.customerTrust.create({
    data: {
      customerId,
      verdict: 'effective',
      reason: 'MFA and compliant devices are trusted.',
      evaluatedAt: t('10T20:30:00'),
      changedAt: t('10T20:30:00'),
    },
  })
  await db.notificationEvent.create({
    data: {
      customerId,
      eventType: 'trust_changed',
      dedupeKey: `${customerId}:trust`,
      payload: {
        from: 'partly',
        to: 'effective',
        detail: 'Trust partly → effective: MFA and compliant devices are trusted.',
      },
      createdAt: t('10T20:30:00'),
    },
  })
  return { customerId, driftRunId: drift.id }
}

/** Renders every page to PNG (kept in ARTIFACTS) and returns the PDF's text; fails when poppler-utils is missing. */
export function inspectPdf(pdf: Buffer, name: string): { text: string; pages: string[] } {
  mkdirSync(ARTIFACTS, { recursive: true })
  const pdfPath = join(ARTIFACTS, `${name}.pdf`)
  writeFileSync(pdfPath, pdf)
  execFileSync('pdftoppm', ['-png', '-r', '60', pdfPath, join(ARTIFACTS, name)])
  const pages = readdirSync(ARTIFACTS).filter((f) => f.startsWith(`${name}-`) && f.endsWith('.png'))
  const text = execFileSync('pdftotext', ['-layout', pdfPath, '-']).toString()
  return { text, pages }
}
