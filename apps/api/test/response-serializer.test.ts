import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { compileSerializer } from '../src/plugins/response-serializer.ts'
import { customerRowSchema, pageOf, problemSchema } from '../src/routes/api/schemas.ts'

const at = new Date('2026-12-01T10:00:00.000Z')

const row = {
  id: '0b0f8a52-4a35-4d4e-9d8c-1f6a9e3e2b11',
  name: 'Contoso "EU" \u2028 Ltd',
  tenantId: '11111111-2222-3333-4444-555555555555',
  tenantDisplayName: null,
  expectedTenantId: null,
  expectedDomain: 'contoso.example',
  verifiedDomains: ['contoso.example', 'contoso.onmicrosoft.com'],
  onboardingState: 'onboarded',
  complianceState: 'drifted',
  complianceChangedAt: at,
  mode: null,
  lastCheckAt: at,
  nextCheckAt: null,
  lastFailureReason: null,
  createdAt: at,
  verification: {
    inboundAccess: 'Configured',
    outboundAccess: 'Inherited from default',
    tenantRestrictions: 'Not added',
  },
  currentStep: null,
  trust: { verdict: 'partly', reason: 'MFA is trusted, devices are not', fix: null, evaluatedAt: at },
  status: { code: 'managed', label: 'Managed', reason: 'Checked', fix: null },
}

/** What the zod serialiser (validate, then JSON.stringify) writes for the same value. */
const viaZod = (schema: z.ZodType, data: unknown): unknown =>
  JSON.parse(JSON.stringify(z.encode(schema, data)))

describe('compiled response serialiser', () => {
  const page = pageOf(customerRowSchema)
  const serialize = compileSerializer(page)

  it('writes a customer page exactly as the zod serialiser does', () => {
    expect(serialize).not.toBeNull()
    const other = {
      ...row,
      id: '2b0f8a52-4a35-4d4e-9d8c-1f6a9e3e2b12',
      mode: 'remediate',
      nextCheckAt: at,
      verification: null,
      trust: null,
      currentStep: { step: 'access_verified', status: 'running', message: null, since: at, attempts: 2 },
    }
    for (const data of [
      { items: [row, other], nextCursor: 'abc' },
      { items: [], nextCursor: null },
    ]) {
      expect(JSON.parse(serialize?.(data) ?? 'null')).toEqual(viaZod(page, data))
    }
  })

  it('drops an undeclared property inside a nullable object as zod does, instead of failing the page', () => {
    const data = {
      items: [{ ...row, trust: { ...row.trust, internal: 1 }, currentStep: null }],
      nextCursor: null,
    }
    const out = serialize?.(data) ?? ''
    expect(out).not.toContain('internal')
    expect(JSON.parse(out)).toEqual(viaZod(page, data))
  })

  it('leaves out an unknown-typed property that is undefined, as zod does', () => {
    const schema = z.object({ id: z.string(), detail: z.unknown() })
    const data = { id: 'x', detail: undefined }
    expect(JSON.parse(compileSerializer(schema)?.(data) ?? 'null')).toEqual(viaZod(schema, data))
  })

  it('drops properties the schema does not declare (a column cannot leak)', () => {
    const leaky = {
      items: [{ ...row, clientSecret: 's3cret', status: { ...row.status, internal: 1 } }],
      nextCursor: null,
    }
    const out = serialize?.(leaky) ?? ''
    expect(out).not.toContain('s3cret')
    expect(out).not.toContain('internal')
  })

  it("keeps a problem's extension members, as the loose problem schema says", () => {
    const problem = {
      type: 'about:blank',
      title: 'Invalid request',
      status: 400,
      code: 'validation_failed',
      requestId: 'r-1',
    }
    expect(JSON.parse(compileSerializer(problemSchema)?.(problem) ?? 'null')).toEqual(problem)
  })

  it('leaves a schema with a transform to the zod serialiser', () => {
    expect(compileSerializer(z.object({ n: z.string().transform((s) => s.length) }))).toBeNull()
  })
})
