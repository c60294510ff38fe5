// The staff JSON API (/api/v1) end to end over a real system: real bearer tokens from the simulator, real
// database, worker and simulated Microsoft. Covers the resources, problem+json for every kind of bad input
// (and that it changes nothing), the OpenAPI document, and that every staff action is audited with its actor.
// Append-only audit rows are proven at the database level in packages/db/test/audit.test.ts; the last test
// here repeats the check against this system's database, as the API's own user would try it.
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument --
   The API's JSON answers are untyped on purpose here: the assertions are what checks their shape. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { consentAs } from '../support/consent-driver.ts'
import { staffTokens, type StaffUser } from '../support/staff-tokens.ts'
import { DEMO_IDS, startSystem, waitFor, type System } from '../support/system.ts'

let sys: System
let tokens: Record<StaffUser, string>

beforeAll(async () => {
  sys = await startSystem()
  tokens = await staffTokens(sys)
})
afterAll(async () => {
  await sys.stop()
})

interface Answer {
  status: number
  type: string
  requestId: string
  body: any
  text: string
}

async function api(user: StaffUser, method: string, path: string, body?: unknown): Promise<Answer> {
  const res = await fetch(`${sys.baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${tokens[user]}`,
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  })
  const text = await res.text()
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    parsed = null
  }
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    requestId: res.headers.get('x-request-id') ?? '',
    body: parsed,
    text,
  }
}

function expectProblem(answer: Answer, status: number, code?: string) {
  expect(answer.status, answer.text).toBe(status)
  expect(answer.type).toContain('application/problem+json')
  expect(answer.body).toMatchObject({ status, title: expect.any(String), type: expect.any(String) })
  if (code !== undefined) expect(answer.body.code).toBe(code)
}

async function snapshotCounts() {
  const db = sys.db.prisma
  return {
    customers: await db.customer.count(),
    links: await db.consentLink.count(),
    revokedLinks: await db.consentLink.count({ where: { revokedAt: { not: null } } }),
    deviations: await db.acceptedDeviation.count(),
    webhooks: await db.webhookEndpoint.count(),
    policies: await db.policyVersion.count(),
    audit: await db.auditEvent.count(),
  }
}

const staffOid = (user: StaffUser) => DEMO_IDS.staff[user]
/** The demo staff users' display names (the simulator's seed), by object id. */
const STAFF_NAMES: Record<string, string> = {
  [DEMO_IDS.staff.viewer]: 'Vera Viewer',
  [DEMO_IDS.staff.operator]: 'Oskar Operator',
  [DEMO_IDS.staff.admin]: 'Alva Admin',
}
/** Audit rows written by the request that got `answer` (the request id ties them together). */
const auditOf = (answer: Answer) =>
  sys.db.prisma.auditEvent.findMany({ where: { requestId: answer.requestId }, orderBy: { id: 'asc' } })

describe('staff JSON API', () => {
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

  it('onboards through a link, then re-checks and re-applies on request (202, runs recorded)', async () => {
    const link = await api('operator', 'POST', `/api/v1/customers/${customerId}/consent-links`)
    await consentAs(link.body.url as string, DEMO_IDS.customers.fabrikam, 'accept')
    await waitFor(async () => {
      const detail = await api('viewer', 'GET', `/api/v1/customers/${customerId}`)
      return detail.body.customer.onboardingState === 'onboarded' ? detail : null
    }, 'onboarded')
    const detail = await api('viewer', 'GET', `/api/v1/customers/${customerId}`)
    expect(detail.body.customer.complianceState).toBe('compliant')
    expect(detail.body.verification).toEqual({
      inboundAccess: 'Configured',
      outboundAccess: 'Inherited from default',
      tenantRestrictions: 'Inherited from default',
    })
    expect(detail.body.steps.map((s: { status: string }) => s.status)).toEqual(Array(7).fill('succeeded'))
    expect(detail.text).not.toContain('tokenHash')

    const recheck = await api('operator', 'POST', `/api/v1/customers/${customerId}/recheck`)
    expect(recheck.status, recheck.text).toBe(202)
    expect(recheck.body).toMatchObject({ customerId, queued: 'check' })
    const apply = await api('operator', 'POST', `/api/v1/customers/${customerId}/apply`)
    expect(apply.status).toBe(202)
    const retry = await api('operator', 'POST', `/api/v1/customers/${customerId}/retry`)
    expect(retry.body).toMatchObject({ customerId, queued: 'check' })
    expectProblem(await api('viewer', 'POST', `/api/v1/customers/${customerId}/retry`), 403)
    await waitFor(async () => {
      const runs = await api('viewer', 'GET', `/api/v1/customers/${customerId}/runs?limit=200`)
      const kinds = runs.body.items.filter((r: { outcome: string | null }) => r.outcome !== null)
      return kinds.some((r: { kind: string }) => r.kind === 'check') &&
        kinds.some((r: { kind: string }) => r.kind === 'apply')
        ? runs
        : null
    }, 'check and apply runs')
    const page = await api('viewer', 'GET', `/api/v1/runs?customerId=${customerId}&limit=1`)
    expect(page.body.items).toHaveLength(1)
    const run = await api('viewer', 'GET', `/api/v1/runs/${page.body.items[0].id as string}`)
    expect(run.body).toMatchObject({ id: page.body.items[0].id, customerId })
    expect(Object.keys(run.body)).toEqual(expect.arrayContaining(['before', 'after', 'observedSnapshot']))
  })

  it('accepts and revokes deviations, changes the mode and offboards (Admin)', async () => {
    const accepted = await api('operator', 'POST', `/api/v1/customers/${customerId}/deviations`, {
      field: 'inboundTrust.isHybridAzureADJoinedDeviceAccepted',
      acceptedValue: true,
      reason: 'Hybrid devices are managed by the customer',
      owner: 'frida@fabrikam-retail.example',
      expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    })
    expect(accepted.status, accepted.text).toBe(201)
    const detail = await api('viewer', 'GET', `/api/v1/customers/${customerId}`)
    expect(detail.body.activeDeviations.map((d: { id: string }) => d.id)).toEqual([accepted.body.id])
    const revoked = await api(
      'operator',
      'DELETE',
      `/api/v1/customers/${customerId}/deviations/${accepted.body.id as string}`,
    )
    expect(revoked.status).toBe(200)
    expectProblem(
      await api(
        'operator',
        'DELETE',
        `/api/v1/customers/${customerId}/deviations/${accepted.body.id as string}`,
      ),
      409,
    )
    const mode = await api('admin', 'PUT', `/api/v1/customers/${customerId}/mode`, { mode: 'remediate' })
    expect(mode.body).toMatchObject({ customerId, mode: 'remediate' })
    const off = await api('admin', 'POST', `/api/v1/customers/${customerId}/offboard`, {
      reason: 'Contract ended',
    })
    expect(off.status, off.text).toBe(202)
    await waitFor(async () => {
      const c = await sys.db.prisma.customer.findUniqueOrThrow({ where: { id: customerId } })
      return c.onboardingState === 'offboarded'
    }, 'offboarded')
  })

  it('manages webhooks (Admin only; the secret is shown once) and publishes policy versions', async () => {
    expectProblem(await api('operator', 'GET', '/api/v1/webhooks'), 403)
    const created = await api('admin', 'POST', '/api/v1/webhooks', {
      name: 'SOC channel',
      url: 'https://hooks.example.test/soc',
      events: ['drifted'],
    })
    expect(created.status, created.text).toBe(201)
    const secret = created.body.secret as string
    expect(secret).toMatch(/^whsec_/)
    const id = created.body.endpoint.id as string
    const list = await api('admin', 'GET', '/api/v1/webhooks')
    expect(list.body.items.map((e: { id: string }) => e.id)).toEqual([id])
    expect(list.text).not.toContain(secret)
    expect((await api('admin', 'GET', `/api/v1/webhooks/${id}`)).text).not.toContain(secret)
    const patched = await api('admin', 'PATCH', `/api/v1/webhooks/${id}`, { enabled: false })
    expect(patched.body.enabled).toBe(false)
    expect((await api('admin', 'GET', `/api/v1/webhooks/${id}/deliveries`)).body).toEqual({ items: [] })
    expect((await api('admin', 'DELETE', `/api/v1/webhooks/${id}`)).status).toBe(204)
    expectProblem(await api('admin', 'GET', `/api/v1/webhooks/${id}`), 404)

    const policy = await api('viewer', 'GET', '/api/v1/policy')
    expect(policy.body).toMatchObject({ version: 1 })
    const definition = structuredClone(policy.body.definition) as {
      version?: number
      description: string
      fields: { path: string; desired: unknown }[]
    }
    const hybrid = definition.fields.find(
      (f) => f.path === 'inboundTrust.isHybridAzureADJoinedDeviceAccepted',
    )
    if (!hybrid) throw new Error('policy v1 owns the hybrid-join trust setting')
    hybrid.desired = true
    definition.description = 'Also trust hybrid joined devices'
    delete definition.version
    expectProblem(await api('operator', 'PUT', '/api/v1/policy', { definition }), 403)
    const published = await api('admin', 'PUT', '/api/v1/policy', { definition, notes: 'Customer request' })
    expect(published.status, published.text).toBe(200)
    expect(published.body.version).toBe(2)
    expectProblem(await api('admin', 'PUT', '/api/v1/policy', { definition }), 409, 'policy_unchanged')
  })

  it('summarises, pages the audit trail and exports CSV safely', async () => {
    const summary = await api('viewer', 'GET', '/api/v1/summary')
    expect(summary.body.total).toBe(4)
    // The counts say when they were taken; a second look within seconds reuses them.
    expect(summary.body.ageSeconds).toBe(0)
    const again = await api('viewer', 'GET', '/api/v1/summary')
    expect(again.body.asOf).toBe(summary.body.asOf)
    expect(summary.body.byOnboardingState.offboarded).toBe(1)
    expect(summary.body.needsAttention).toMatchObject({ failedOnboarding: 0, items: expect.any(Array) })

    const audit = await api('viewer', 'GET', `/api/v1/customers/${customerId}/audit-events?limit=3`)
    expect(audit.body.items).toHaveLength(3)
    const next = await api(
      'viewer',
      'GET',
      `/api/v1/customers/${customerId}/audit-events?limit=3&cursor=${audit.body.nextCursor as string}`,
    )
    expect(next.body.items[0].id).not.toBe(audit.body.items[2].id)
    expect(Number(next.body.items[0].id)).toBeLessThan(Number(audit.body.items[2].id))
    const family = await api('viewer', 'GET', '/api/v1/audit-events?action=webhook.*')
    expect(family.body.items.map((e: { action: string }) => e.action)).toEqual([
      'webhook.deleted',
      'webhook.disabled',
      'webhook.created',
    ])
    expectProblem(await api('viewer', 'GET', '/api/v1/audit-events?action=DROP%20TABLE'), 400)

    const csv = await api('viewer', 'GET', '/api/v1/customers/export.csv?sort=name')
    expectProblem(csv, 400) // export takes filters only
    const exported = await api('viewer', 'GET', '/api/v1/customers/export.csv')
    expect(exported.status).toBe(200)
    expect(exported.type).toContain('text/csv')
    const lines = exported.text.split('\r\n')
    expect(lines[0]).toMatch(/^"id","name","tenant_id","tenant_name","domain","onboarding_state",/)
    expect(exported.text).toContain(`,"'=cmd|calc",`)
    expect(exported.text).toContain(`,"Acme, ""Quoted""",`)
    expect(lines.filter((l) => l !== '')).toHaveLength(5)
  })

  it('audits every staff action with the actor and the request id', async () => {
    const events = await sys.db.prisma.auditEvent.findMany({ where: { actorType: 'staff' } })
    const actions = new Set(events.map((e) => e.action))
    for (const action of [
      'customer.created',
      'consent_link.issued',
      'consent_link.revoked',
      'check.requested',
      'apply.requested',
      'check.force_retry',
      'deviation.accepted',
      'deviation.revoked',
      'customer.mode_changed',
      'customer.offboard_requested',
      'webhook.created',
      'webhook.disabled',
      'webhook.deleted',
      'policy.published',
    ]) {
      expect(actions, action).toContain(action)
    }
    const oids = new Set(Object.values(DEMO_IDS.staff))
    for (const event of events) {
      expect(oids.has(event.actorId as (typeof DEMO_IDS.staff)[StaffUser]), event.action).toBe(true)
      expect(event.actorName, event.action).toBe(STAFF_NAMES[event.actorId ?? ''])
      // The API's request id: a UUID it made, or the caller's X-Request-Id when that is 8–64 word characters.
      expect(event.requestId, event.action).toMatch(/^[\w-]{8,64}$/)
    }
    const mode = events.find((e) => e.action === 'customer.mode_changed')
    expect(mode).toMatchObject({ actorId: staffOid('admin'), actorName: 'Alva Admin', customerId })
  })

  it('cannot rewrite or delete the audit trail, even with direct database access', async () => {
    const db = sys.db.prisma
    const count = await db.auditEvent.count()
    await expect(db.$executeRawUnsafe(`UPDATE audit_events SET action = 'forged'`)).rejects.toThrow(
      /append-only|not allowed|audit/i,
    )
    await expect(db.$executeRawUnsafe('DELETE FROM audit_events')).rejects.toThrow(
      /append-only|not allowed|audit/i,
    )
    expect(await db.auditEvent.count()).toBe(count)
    expect(await db.auditEvent.count({ where: { action: 'forged' } })).toBe(0)
  })
})
