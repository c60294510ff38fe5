// Staff reads hand the apps typed views: the stored diff and snapshot read back through a schema, the
// customer without its machinery columns, a consent link's landing facts without the link's secrets.
import {
  buildCreateBody,
  classifyCheck,
  compactDiff,
  defaultPolicy,
  evaluatePartner,
  snapshotOwnedFields,
} from '@crosstrust/core'
import { createTestDatabase, type TestDatabase } from '@crosstrust/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createCustomer,
  customerDetail,
  inspectConsentLink,
  issueConsentLink,
  observedFieldsView,
  policyDiffView,
  type ServiceContext,
} from '../../src/index.ts'

const PARTNER = '07d2f395-f69c-43ab-88a2-b82f1151042d'
const STAFF = { type: 'staff' as const, id: 'oid-v', name: 'View Tester' }
const NOW = new Date('2026-12-03T08:00:00Z')
const MFA_LABEL = 'Trust settings → Trust multifactor authentication from Microsoft Entra tenants'

/** The partner entry with MFA trust switched off, as Graph returns it, and what a check keeps of it. */
function driftedCheck() {
  const entry = buildCreateBody(defaultPolicy, PARTNER) as { inboundTrust: Record<string, unknown> }
  entry.inboundTrust.isMfaAccepted = false
  const evaluation = evaluatePartner(defaultPolicy, entry, [], NOW)
  const diff = compactDiff(evaluation, classifyCheck({ kind: 'evaluated', evaluation }))
  // As the jsonb column gives it back.
  return {
    diff: JSON.parse(JSON.stringify(diff)) as unknown,
    snapshot: JSON.parse(JSON.stringify(snapshotOwnedFields(defaultPolicy, entry))) as unknown,
  }
}

const MFA_DIFF = {
  status: 'drifted',
  removalKind: null,
  fields: [
    {
      path: 'inboundTrust.isMfaAccepted',
      label: MFA_LABEL,
      desired: true,
      observed: false,
      remediation: 'repairable',
      accepted: null,
      drift: true,
    },
  ],
}

describe('policyDiffView and observedFieldsView', () => {
  it('reads a stored check diff back as typed fields', () => {
    expect(policyDiffView(driftedCheck().diff)).toEqual(MFA_DIFF)
  })

  it('reads an accepted difference with its expiry as a date, and reading a view again changes nothing', () => {
    const stored = {
      status: 'compliant',
      fields: [
        {
          path: 'inboundTrust.isMfaAccepted',
          label: MFA_LABEL,
          desired: true,
          observed: false,
          remediation: 'repairable',
          accepted: { deviationId: 'd1', expiresAt: '2027-01-01T00:00:00.000Z' },
          drift: false,
        },
        { path: 'no.remediation', drift: true },
      ],
    }
    const view = policyDiffView(stored)
    expect(view).toEqual({
      status: 'compliant',
      removalKind: null,
      fields: [
        {
          path: 'inboundTrust.isMfaAccepted',
          label: MFA_LABEL,
          desired: true,
          observed: false,
          remediation: 'repairable',
          accepted: { deviationId: 'd1', expiresAt: new Date('2027-01-01T00:00:00.000Z') },
          drift: false,
        },
      ],
    })
    expect(policyDiffView(view)).toEqual(view)
  })

  it('keeps an access loss and its removal kind, and reads anything else as no diff', () => {
    expect(policyDiffView({ status: 'access_lost', removalKind: 'app_removed', fields: [] })).toEqual({
      status: 'access_lost',
      removalKind: 'app_removed',
      fields: [],
    })
    expect(policyDiffView(null)).toBeNull()
    expect(policyDiffView({ fields: 'x' })).toBeNull()
  })

  it('reads the stored snapshot by dotted path, and nothing before the first observation', () => {
    const observed = observedFieldsView(driftedCheck().snapshot)
    expect(observed?.['inboundTrust.isMfaAccepted']).toBe(false)
    expect(Object.keys(observed ?? {})).toEqual(defaultPolicy.fields.map((f) => f.path))
    expect(observedFieldsView(null)).toBeNull()
    expect(observedFieldsView([1, 2])).toBeNull()
  })
})

describe('customerDetail and inspectConsentLink', () => {
  let db: TestDatabase
  let ctx: ServiceContext

  beforeAll(async () => {
    db = await createTestDatabase()
    ctx = {
      db: db.prisma,
      now: () => NOW,
      enqueue: () => Promise.reject(new Error('nothing here enqueues')),
    }
  })
  afterAll(async () => {
    await db.drop()
  })

  it('returns the customer, its observed fields and current diff as typed views', async () => {
    const created = await createCustomer(
      ctx,
      () => Promise.reject(new Error('no lookup')),
      { name: 'View Co', contacts: [{ name: 'Ada', email: 'ada@view.example', role: 'IT' }] },
      STAFF,
    )
    expect(created.contacts).toEqual([{ name: 'Ada', email: 'ada@view.example', role: 'IT' }])
    const { diff, snapshot } = driftedCheck()
    await db.prisma.customer.update({
      where: { id: created.id },
      data: {
        complianceState: 'drifted',
        currentDiff: diff as object,
        lastObservedSnapshot: snapshot as object,
        lastObservedHash: 'h',
      },
    })
    const detail = await customerDetail(db.prisma, created.id, { now: NOW })
    expect(detail.currentDiff).toEqual(MFA_DIFF)
    expect(detail.observed?.['inboundTrust.isMfaAccepted']).toBe(false)
    expect(Object.keys(detail.customer).sort()).toEqual(Object.keys(created).sort())
    expect(detail.customer).toMatchObject({ name: 'View Co', complianceState: 'drifted', notes: null })
    expect(Object.keys(detail.customer)).not.toContain('lastObservedSnapshot')
    expect(Object.keys(detail.customer)).not.toContain('version')
  })

  it('inspects a consent link into the landing facts only', async () => {
    const customer = await createCustomer(
      ctx,
      () => Promise.reject(new Error('no lookup')),
      { name: 'Link Co' },
      STAFF,
    )
    const issued = await issueConsentLink(
      ctx,
      { publicBaseUrl: 'https://ct.example', ttlDays: 14 },
      customer.id,
      STAFF,
    )
    const inspection = await inspectConsentLink(ctx, issued.url.split('/').pop() ?? '')
    expect(inspection).toEqual({
      status: 'valid',
      link: { id: issued.id, expiresAt: issued.expiresAt, usedAt: null },
      customer: { id: customer.id, name: 'Link Co', newPermissions: [] },
    })
    expect(await inspectConsentLink(ctx, 'x'.repeat(40))).toEqual({ status: 'unknown' })
  })
})
