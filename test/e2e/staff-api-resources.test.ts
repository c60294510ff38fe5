// The staff JSON API (/api/v1) end to end over a real system, part 1: the OpenAPI document, who is calling,
// creating and listing customers, consent links, and problem+json for every kind of bad input (which changes
// nothing). Part 2 (staff-api-lifecycle.test.ts) onboards, acts on and offboards a customer and checks the
// audit trail.
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call --
   The API's JSON answers are untyped on purpose here: the assertions are what checks their shape. */
import { describe, expect, it } from 'vitest'
import { DEMO_IDS } from '../support/system.ts'
import {
  api,
  auditOf,
  expectProblem,
  snapshotCounts,
  staffOid,
  sys,
  useStaffApiSystem,
} from './staff-api-support.ts'

useStaffApiSystem()

describe('staff JSON API: resources and bad input', () => {
  let customerId = ''

  it('serves the OpenAPI document at /docs with a bearer scheme and a schema for every API route', async () => {
    const res = await fetch(`${sys.baseUrl}/docs/json`)
    expect(res.status).toBe(200)
    const doc = (await res.json()) as {
      openapi: string
      components: { securitySchemes: Record<string, unknown> }
      security: unknown[]
      paths: Record<string, Record<string, { responses: Record<string, unknown>; parameters?: unknown[] }>>
    }
    expect(doc.openapi).toMatch(/^3\./)
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' })
    expect(doc.security).toEqual([{ bearer: [] }])
    const apiRoutes = sys.app.routePolicies.filter((r) => r.url.startsWith('/api/') && r.method !== 'HEAD')
    for (const route of apiRoutes) {
      const path = route.url.replace(/:([A-Za-z]+)/g, '{$1}')
      const op = doc.paths[path]?.[route.method.toLowerCase()]
      expect(op, `${route.method} ${route.url} in OpenAPI`).toMatchObject({ responses: expect.any(Object) })
      if (route.url.endsWith('.csv')) continue
      const success = Object.keys(op?.responses ?? {}).filter((s) => s.startsWith('2'))
      expect(success.length, `${route.method} ${route.url} documents its answer`).toBeGreaterThan(0)
    }
    expect(Object.keys(doc.paths).every((p) => p.startsWith('/api/'))).toBe(true)
    const ui = await fetch(`${sys.baseUrl}/docs`, { redirect: 'follow' })
    expect(ui.status).toBe(200)
  })

  it('says who is calling', async () => {
    const me = await api('operator', 'GET', '/api/v1/me')
    expect(me.body).toMatchObject({ oid: staffOid('operator'), roles: ['Operator'], via: 'bearer' })
  })

  it('creates customers (Operator) and refuses bad input with problem+json, changing nothing', async () => {
    const before = await snapshotCounts()
    expectProblem(await api('operator', 'POST', '/api/v1/customers', {}), 400, 'validation_failed')
    expectProblem(await api('operator', 'POST', '/api/v1/customers', { name: 'X', bogus: 1 }), 400)
    expectProblem(await api('operator', 'POST', '/api/v1/customers', '{"name":'), 400)
    expectProblem(
      await api('operator', 'POST', '/api/v1/customers', { name: 'X', tenant: 'not a domain!' }),
      400,
    )
    expectProblem(
      await api('operator', 'POST', '/api/v1/customers', { name: 'X', tenant: 'nobody-here.example' }),
      422,
      'unknown_tenant',
    )
    expectProblem(
      await api('viewer', 'POST', '/api/v1/customers', { name: 'Viewer Co' }),
      403,
      'insufficient_role',
    )
    expect(await snapshotCounts()).toEqual(before)

    const created = await api('operator', 'POST', '/api/v1/customers', {
      name: 'Fabrikam Retail',
      tenant: 'fabrikam-retail.example',
      contacts: [{ name: 'Frida', email: 'frida@fabrikam-retail.example' }],
    })
    expect(created.status, created.text).toBe(201)
    expect(created.body).toMatchObject({
      name: 'Fabrikam Retail',
      expectedTenantId: DEMO_IDS.customers.fabrikam,
      onboardingState: 'not_started',
    })
    customerId = created.body.id as string
    expectProblem(
      await api('operator', 'POST', '/api/v1/customers', {
        name: 'Again',
        tenant: DEMO_IDS.customers.fabrikam,
      }),
      409,
      'tenant_taken',
    )
    for (const name of ['=cmd|calc', 'Acme, "Quoted"', 'Zeta']) {
      expect((await api('operator', 'POST', '/api/v1/customers', { name })).status).toBe(201)
    }
  })

  it('lists with filters, search, sort and cursor pagination; bad queries are 400', async () => {
    const first = await api('viewer', 'GET', '/api/v1/customers?sort=name&order=asc&limit=2')
    expect(first.status, first.text).toBe(200)
    expect(first.body.items.map((c: { name: string }) => c.name)).toEqual(['=cmd|calc', 'Acme, "Quoted"'])
    const second = await api(
      'viewer',
      'GET',
      `/api/v1/customers?sort=name&order=asc&limit=2&cursor=${first.body.nextCursor as string}`,
    )
    expect(second.body.items.map((c: { name: string }) => c.name)).toEqual(['Fabrikam Retail', 'Zeta'])
    expect(second.body.nextCursor).toBeNull()
    const row = second.body.items[0]
    expect(row).toMatchObject({ verification: null, currentStep: { step: 'link_issued', status: 'pending' } })
    const search = await api('viewer', 'GET', '/api/v1/customers?q=fabrikam-retail.example')
    expect(search.body.items.map((c: { id: string }) => c.id)).toEqual([customerId])
    const filtered = await api('viewer', 'GET', '/api/v1/customers?onboardingState=onboarded')
    expect(filtered.body.items).toEqual([])
    expectProblem(await api('viewer', 'GET', '/api/v1/customers?limit=500'), 400, 'validation_failed')
    expectProblem(await api('viewer', 'GET', '/api/v1/customers?sort=evil'), 400)
    expectProblem(await api('viewer', 'GET', '/api/v1/customers?complianceState=nope'), 400)
    expectProblem(await api('viewer', 'GET', '/api/v1/customers?cursor=garbage'), 400, 'validation_failed')
    expectProblem(
      await api(
        'viewer',
        'GET',
        `/api/v1/customers?sort=createdAt&cursor=${first.body.nextCursor as string}`,
      ),
      400,
    )
    expectProblem(await api('viewer', 'GET', '/api/v1/customers/not-a-uuid'), 400)
    expectProblem(await api('viewer', 'GET', '/api/v1/customers/00000000-0000-4000-8000-000000000000'), 404)
  })

  it('issues, lists and revokes consent links; the token is shown once and never again', async () => {
    const base = `/api/v1/customers/${customerId}/consent-links`
    const a = await api('operator', 'POST', base)
    expect(a.status, a.text).toBe(201)
    expect(a.body.url).toMatch(new RegExp(`^${sys.baseUrl}/consent/`))
    const b = await api('operator', 'POST', base)
    const list = await api('viewer', 'GET', base)
    expect(list.body.items.map((l: { id: string; status: string }) => [l.id, l.status])).toEqual([
      [b.body.id, 'open'],
      [a.body.id, 'revoked'],
    ])
    for (const issued of [a, b]) expect(list.text).not.toContain(String(issued.body.url).split('/').pop())
    expectProblem(await api('operator', 'DELETE', `${base}/${a.body.id as string}`), 409, 'link_revoked')
    expectProblem(await api('operator', 'DELETE', `${base}/00000000-0000-4000-8000-000000000000`), 404)
    const revokeOne = await api('operator', 'DELETE', `${base}/${b.body.id as string}`)
    expect(revokeOne.body).toMatchObject({ id: b.body.id, status: 'revoked' })
    const [event] = await auditOf(revokeOne)
    expect(event).toMatchObject({
      action: 'consent_link.revoked',
      actorId: staffOid('operator'),
      entityId: b.body.id,
    })
    const c = await api('operator', 'POST', base)
    const all = await api('operator', 'DELETE', base)
    expect(all.body).toEqual({ revoked: 1 })
    expect((await api('viewer', 'GET', base)).body.items[0]).toMatchObject({
      id: c.body.id,
      status: 'revoked',
    })
  })

  it('refuses actions that do not fit the state (409) and bodies that do not fit the schema (400)', async () => {
    const before = await snapshotCounts()
    expectProblem(
      await api('operator', 'POST', `/api/v1/customers/${customerId}/recheck`),
      409,
      'not_onboarded',
    )
    expectProblem(
      await api('operator', 'POST', `/api/v1/customers/${customerId}/apply`),
      409,
      'not_onboarded',
    )
    expectProblem(
      await api('operator', 'POST', `/api/v1/customers/${customerId}/recheck`, { now: true }),
      400,
    )
    expectProblem(await api('admin', 'PUT', `/api/v1/customers/${customerId}/mode`, { mode: 'loud' }), 400)
    expectProblem(
      await api('operator', 'PUT', `/api/v1/customers/${customerId}/mode`, { mode: 'report' }),
      403,
    )
    expectProblem(await api('operator', 'POST', `/api/v1/customers/${customerId}/offboard`), 403)
    expectProblem(
      await api('operator', 'POST', `/api/v1/customers/${customerId}/deviations`, {
        field: 'inboundTrust.isHybridAzureADJoinedDeviceAccepted',
        acceptedValue: true,
        reason: 'x',
        owner: 'y',
        expiresAt: '2020-01-01T00:00:00Z',
      }),
      400,
    )
    expectProblem(
      await api('operator', 'POST', `/api/v1/customers/${customerId}/deviations`, {
        field: 'notAField',
        acceptedValue: true,
        reason: 'x',
        owner: 'y',
        expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      }),
      400,
    )
    expectProblem(await api('admin', 'PUT', '/api/v1/policy', { definition: { fields: [] } }), 400)
    expectProblem(
      await api('admin', 'POST', '/api/v1/webhooks', { name: 'x', url: 'javascript:alert(1)' }),
      400,
    )
    expect(await snapshotCounts()).toEqual(before)
  })
})
