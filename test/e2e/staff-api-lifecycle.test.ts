// The staff JSON API (/api/v1) end to end over a real system, part 2: a customer onboarded through a link,
// re-checked, re-applied, given and relieved of a deviation, switched to remediate and offboarded; webhooks
// and policy versions; the summary, the audit trail and the CSV export; every staff action audited with its
// actor. Append-only audit rows are proven at the database level in packages/db/test/audit.test.ts; the last
// test here repeats the check against this system's database, as the API's own user would try it.
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument --
   The API's JSON answers are untyped on purpose here: the assertions are what checks their shape. */
import { beforeAll, describe, expect, it } from 'vitest'
import { consentAs } from '../support/consent-driver.ts'
import type { StaffUser } from '../support/staff-tokens.ts'
import { DEMO_IDS, waitFor } from '../support/system.ts'
import {
  STAFF_NAMES,
  api,
  createStoryCustomers,
  expectProblem,
  staffOid,
  sys,
  useStaffApiSystem,
} from './staff-api-support.ts'

useStaffApiSystem()

describe('staff JSON API: a customer’s life and the audit trail', () => {
  let customerId = ''

  beforeAll(async () => {
    customerId = await createStoryCustomers()
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
