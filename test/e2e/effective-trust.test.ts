// Effective trust through the whole system: the customer edits a Conditional Access policy through the
// simulator's control API, the next check changes the verdict and notifies once; a tenant that consented
// before Policy.Read.All was added shows "re-consent needed", keeps being checked, and recovers once the
// permission is granted.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTrustDemoTenants, TRUST_DEMO_TENANTS } from '@crosstrust/ms-sim'
import { APP, checkNow, customer, notificationsOf, seedOnboardedCustomer } from '../support/monitoring.ts'
import { consentAs } from '../support/consent-driver.ts'
import { staffToken } from '../support/staff-tokens.ts'
import { startSystem, waitFor, type System } from '../support/system.ts'

let sys: System

beforeAll(async () => {
  sys = await startSystem({ monitoring: { readBack: { attempts: 3, delayMs: 100 } } })
})
afterAll(async () => {
  await sys.stop()
})

const POLICY_ID = randomUUID()

/** "Guests: require MFA" as the customer's administrator would create it, in Graph's shape. */
const guestMfaPolicy = (state: string, builtInControls: string[] = ['mfa']) => ({
  displayName: 'Guests: require MFA',
  state,
  conditions: {
    users: {
      includeGuestsOrExternalUsers: {
        guestOrExternalUserTypes: 'b2bCollaborationGuest',
        externalTenants: { membershipKind: 'all' },
      },
    },
    applications: { includeApplications: ['All'] },
  },
  grantControls: { operator: 'OR', builtInControls },
})

async function putPolicy(tenantId: string, body: unknown): Promise<void> {
  const res = await fetch(
    `${sys.sim.graphUrl}/_sim/tenants/${tenantId}/conditional-access/policies/${POLICY_ID}`,
    {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    },
  )
  expect(res.status).toBeLessThan(300)
}

/** Runs a staff check and waits until the trust evaluation after it is stored. */
async function checkTrust(customerId: string) {
  const before = await sys.db.prisma.customerTrust.findUnique({ where: { customerId } })
  await checkNow(sys, customerId)
  return waitFor(async () => {
    const row = await sys.db.prisma.customerTrust.findUnique({ where: { customerId } })
    return row !== null && (before === null || row.evaluatedAt > before.evaluatedAt) ? row : null
  }, 'the trust evaluation after the check')
}

const trustEvents = async (customerId: string) =>
  (await notificationsOf(sys, customerId)).filter((t) => t === 'trust_changed')

describe('effective trust on every check', () => {
  it('follows a Conditional Access edit made by the customer and notifies once per change', async () => {
    const c = await seedOnboardedCustomer(sys)
    const tenantId = c.tenantId ?? ''

    const first = await checkTrust(c.id)
    expect(first.verdict).toBe('no_effect')
    expect(first.reason).toMatch(/no enforced Conditional Access policy/i)
    expect(await trustEvents(c.id)).toEqual([]) // the first evaluation is not a change

    await putPolicy(tenantId, guestMfaPolicy('enabled'))
    const second = await checkTrust(c.id)
    expect(second.verdict).toBe('effective')
    expect(second.fix).toBeNull()
    expect(await trustEvents(c.id)).toEqual(['trust_changed'])

    // Same policies, next check: no new notification.
    const third = await checkTrust(c.id)
    expect(third.verdict).toBe('effective')
    expect(third.changedAt).toEqual(second.changedAt)
    expect(await trustEvents(c.id)).toEqual(['trust_changed'])

    // The customer switches the policy to report-only: trust has nothing to satisfy any more.
    await putPolicy(tenantId, guestMfaPolicy('enabledForReportingButNotEnforced'))
    const fourth = await checkTrust(c.id)
    expect(fourth.verdict).toBe('no_effect')
    const findings = fourth.findings as { findings: { code: string }[] }
    expect(findings.findings.map((f) => f.code)).toContain('report_only_policy')
    expect(await trustEvents(c.id)).toEqual(['trust_changed', 'trust_changed'])
    expect(fourth.changeCount).toBe(2)

    const event = await sys.db.prisma.notificationEvent.findFirstOrThrow({
      where: { customerId: c.id, eventType: 'trust_changed' },
      orderBy: { createdAt: 'desc' },
    })
    expect(event.payload).toMatchObject({ from: 'effective', to: 'no_effect' })
    expect((await customer(sys, c.id)).complianceState).toBe('compliant')

    // /metrics: verdict changes so far and customers per verdict (fleet figures, read on scrape).
    const metrics = await (await fetch(`${sys.baseUrl}/metrics`)).text()
    const changes = /^crosstrust_trust_verdict_changes_total(?:\{[^}]*\})? (\d+)/m.exec(metrics)
    expect(Number(changes?.[1])).toBeGreaterThanOrEqual(2)
    expect(metrics).toMatch(/^crosstrust_customers_trust\{[^}]*verdict="no_effect"[^}]*\} [1-9]/m)
  })

  it('shows "re-consent needed" for a token without Policy.Read.All, keeps checking, and recovers through a fresh link', async () => {
    const c = await seedOnboardedCustomer(sys)
    const tenantId = c.tenantId ?? ''
    // Consented before the permission was added: only the old roles.
    sys.sim.state.grantConsent(tenantId, APP, {
      roles: ['Policy.ReadWrite.CrossTenantAccess', 'Organization.Read.All'],
      ageSeconds: 86_400,
    })
    await putPolicy(tenantId, guestMfaPolicy('enabled'))

    const before = await checkTrust(c.id)
    expect(before.verdict).toBe('unknown')
    expect(before.missingPermissions).toEqual(['Policy.Read.All'])
    expect(before.reason).toMatch(/^Re-consent needed: Policy\.Read\.All — /)
    // What the old permissions allow still happens: the partner entry was checked.
    expect((await customer(sys, c.id)).complianceState).toBe('compliant')
    const policyReads = sys.sim.state.requests
      .list({ tenant: tenantId, origin: 'graph' })
      .filter((e) => e.path.includes('/conditionalAccess/'))
    expect(policyReads).toEqual([]) // no doomed 403s

    // Staff send a fresh consent link (one click in the dashboard: this API call); the customer's Global
    // Administrator opens it and consents again, which grants every permission the app asks for today.
    const operator = await staffToken(sys, 'operator')
    const issued = await fetch(`${sys.baseUrl}/api/v1/customers/${c.id}/consent-links`, {
      method: 'POST',
      headers: { authorization: `Bearer ${operator}` },
    })
    expect(issued.status).toBe(201)
    const { url } = (await issued.json()) as { url: string }
    // Its landing page opens with what is new: the missing permission and why it is needed.
    const landing = await (await fetch(url)).text()
    expect(landing).toContain('<h2 id="new">What is new</h2>')
    expect(landing).toContain('<span class="mono">Policy.Read.All</span>: To read your Conditional Access')
    sys.sim.state.addUser(tenantId, {
      displayName: 'Global Administrator',
      userPrincipalName: `admin@${tenantId}.example`,
      directoryRoles: ['Global Administrator'],
    })
    const consent = await consentAs(url, tenantId, 'accept')
    expect(consent.finalStatus).toBe(200)
    // Staff checks until the new grant has replicated (the simulator's default window, as Microsoft's):
    // meanwhile a check may find the tenant busy (the onboarding run the consent restarts) or skip the
    // trust reads; a staff check asks for a fresh token when the cached one lacks a permission.
    const after = await waitFor(async () => {
      await checkNow(sys, c.id)
      const row = await sys.db.prisma.customerTrust.findUnique({ where: { customerId: c.id } })
      return row?.verdict === 'effective' ? row : null
    }, 'the verdict after the fresh consent')
    expect(after.missingPermissions).toEqual([])
  })
})

describe('effective trust on the staff API', () => {
  it('filters the list by verdict (label or value), serves the detail, and exports the column', async () => {
    const token = await staffToken(sys, 'viewer')
    const get = async (path: string) => {
      const res = await fetch(`${sys.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } })
      return { status: res.status, text: await res.text() }
    }
    const c = await seedOnboardedCustomer(sys, { name: `trust-api-${randomUUID().slice(0, 6)}` })
    await putPolicy(c.tenantId ?? '', guestMfaPolicy('enabled', ['compliantDevice']))
    const evaluated = await checkTrust(c.id)
    expect(evaluated.verdict).toBe('effective')

    const list = await get(`/api/v1/customers?trust=effective&q=${encodeURIComponent(c.name)}`)
    expect(list.status).toBe(200)
    const items = (JSON.parse(list.text) as { items: { id: string; trust: { verdict: string } | null }[] })
      .items
    expect(items.map((i) => i.id)).toEqual([c.id])
    expect(items[0]?.trust?.verdict).toBe('effective')
    const none = await get(
      `/api/v1/customers?trust=${encodeURIComponent('no effect')}&q=${encodeURIComponent(c.name)}`,
    )
    expect((JSON.parse(none.text) as { items: unknown[] }).items).toEqual([])
    expect((await get('/api/v1/customers?trust=great')).status).toBe(400)

    const detail = await get(`/api/v1/customers/${c.id}/trust`)
    expect(detail.status).toBe(200)
    const trust = (
      JSON.parse(detail.text) as { trust: { requirements: { requirement: string; outcome: string }[] } }
    ).trust
    expect(trust.requirements).toContainEqual(
      expect.objectContaining({ requirement: 'compliant_device', outcome: 'satisfied' }),
    )

    const csv = await get(`/api/v1/customers/export.csv?trust=effective&q=${encodeURIComponent(c.name)}`)
    const [header, row] = csv.text.split('\r\n')
    expect(header).toContain('"trust_effective","trust_reason"')
    expect(row).toContain('"effective"')
  })
})

describe('the trust demo tenants', () => {
  it('show every verdict after their first check', async () => {
    const app = sys.sim.state.getApp(APP)
    for (const seed of buildTrustDemoTenants({
      partnerTenantId: sys.config.PARTNER_TENANT_ID,
      appClientId: APP,
      graphRoles: app?.requiredGraphRoles ?? [],
    }))
      sys.sim.state.createTenant(seed)
    const results = await Promise.all(
      TRUST_DEMO_TENANTS.map(async (t) => {
        const c = await sys.db.prisma.customer.create({
          data: {
            name: t.name,
            tenantId: t.id,
            expectedTenantId: t.id,
            licence: t.key === 'noP1' ? 'none' : 'p2',
            onboardingState: 'onboarded',
            complianceState: 'pending',
            nextCheckAt: new Date(Date.now() + 3600_000),
          },
        })
        const trust = await checkTrust(c.id)
        return { key: t.key, expected: t.expected, got: trust.verdict, reason: trust.reason }
      }),
    )
    for (const r of results)
      expect({ key: r.key, verdict: r.got }).toEqual({ key: r.key, verdict: r.expected })
    expect(results.find((r) => r.key === 'reconsent')?.reason).toMatch(
      /^Re-consent needed: Policy\.Read\.All/,
    )
    expect(results.find((r) => r.key === 'invitesRestricted')?.reason).toMatch(/invite guests/)
  })
})
