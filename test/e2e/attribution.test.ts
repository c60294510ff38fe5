// Drift attribution through the whole system: a customer's administrator changes our partner entry in the
// "portal" (the simulator's control API, recorded in the tenant's directory audit log as that user), the next
// check reports the drift with the administrator's name, its notification says who did it, and the API and
// the customer page show it, and so does the customer's evidence pack for the period. Without the audit-log
// consent the same drift says "attribution not enabled". A change of the tenant's default cross-tenant policy,
// which the partner entry inherits once the administrator cleared its own settings, is noticed by the next check,
// recorded on that run and attributed the same way (and told in the trust notification it caused).
import { generateKeyPairSync, randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Customer } from '@crosstrust/db'
import { decodeDefaultPolicyReading } from '@crosstrust/core'
import {
  APP,
  PARTNER,
  checkNow,
  compliantPartner,
  notificationsOf,
  seedOnboardedCustomer,
} from '../support/monitoring.ts'
import { staffToken } from '../support/staff-tokens.ts'
import { startSystem, waitFor, type System } from '../support/system.ts'

let sys: System

beforeAll(async () => {
  const { privateKey } = generateKeyPairSync('ed25519')
  sys = await startSystem({
    env: { EVIDENCE_SIGNING_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() },
    // Later lookups after seconds, not minutes: the simulator's audit delay below is seconds too.
    monitoring: { readBack: { attempts: 3, delayMs: 100 }, attributionRetryDelaysSeconds: [1, 1, 2, 2, 2] },
  })
})
afterAll(async () => {
  await sys.stop()
})

const AUDIT_ROLES = ['AuditLog.Read.All', 'Directory.Read.All']

async function sim(path: string, method: string, body?: unknown): Promise<Response> {
  const res = await fetch(`${sys.sim.graphUrl}/_sim${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  expect(res.status, `${method} ${path}`).toBeLessThan(300)
  return res
}

/** An onboarded customer whose tenant has Anna as administrator; audit entries show up after `delay` s. */
async function customerWithAnna(options: { auditRoles: boolean; delaySeconds: number }) {
  const c = await seedOnboardedCustomer(sys)
  const tenantId = c.tenantId ?? ''
  const app = sys.sim.state.getApp(APP)
  sys.sim.state.grantConsent(tenantId, APP, {
    roles: [...(app?.requiredGraphRoles ?? []), ...(options.auditRoles ? AUDIT_ROLES : [])],
    ageSeconds: 86_400,
  })
  const anna = `anna@${tenantId.slice(0, 8)}.example`
  sys.sim.state.addUser(tenantId, {
    displayName: 'Anna Admin',
    userPrincipalName: anna,
    directoryRoles: ['Global Administrator'],
  })
  await sim(`/tenants/${tenantId}`, 'PATCH', {
    settings: { auditIngestionDelaySeconds: options.delaySeconds },
  })
  return { c, tenantId, anna }
}

/** Anna turns off "Trust multifactor authentication" for our partner in her portal. */
async function annaTurnsOffMfaTrust(tenantId: string, anna: string): Promise<void> {
  const entry = compliantPartner() as { inboundTrust: Record<string, unknown> }
  await sim(`/tenants/${tenantId}/partners/${PARTNER}?actor=${encodeURIComponent(anna)}`, 'PUT', {
    ...entry,
    inboundTrust: { ...entry.inboundTrust, isMfaAccepted: false },
  })
}

async function api(path: string, init: { method?: string; body?: unknown } = {}) {
  const token = await staffToken(sys, 'admin')
  const res = await fetch(`${sys.baseUrl}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      authorization: `Bearer ${token}`,
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

const enableAttribution = async (c: Customer) => {
  expect(
    (await api(`/api/v1/customers/${c.id}/attribution`, { method: 'PUT', body: { enabled: true } })).status,
  ).toBe(200)
}

const attributionOf = (checkRunId: string) =>
  sys.db.prisma.driftAttribution.findUniqueOrThrow({ where: { checkRunId } })

async function eventPayload(customerId: string, eventType: string) {
  const event = await sys.db.prisma.notificationEvent.findFirstOrThrow({ where: { customerId, eventType } })
  return event.payload as { detail?: string; attribution?: { status: string; sentences: string[] } }
}

describe('drift attribution', () => {
  it('names the administrator who changed the partner entry, in the run, the API and the notification', async () => {
    const { c, tenantId, anna } = await customerWithAnna({ auditRoles: true, delaySeconds: 0 })
    await enableAttribution(c)
    expect((await checkNow(sys, c.id)).outcome).toBe('compliant')

    await annaTurnsOffMfaTrust(tenantId, anna)
    const run = await checkNow(sys, c.id)
    expect(run.outcome).toBe('drifted')

    const row = await attributionOf(run.id)
    expect(row.status).toBe('found')
    expect(row.attempts).toBe(1)
    const entries = row.entries as { actor: Record<string, string>; ours: boolean; activity: string }[]
    expect(entries).toHaveLength(1)
    expect(entries[0]).toMatchObject({
      activity: 'Update a partner cross-tenant access setting',
      ours: false,
      actor: { type: 'user', userPrincipalName: anna, displayName: 'Anna Admin' },
    })

    const drifted = await eventPayload(c.id, 'drifted')
    const sentence = new RegExp(`^Inbound trust for MFA was turned off by ${anna} at \\d\\d:\\d\\d UTC`)
    expect(drifted.attribution?.status).toBe('found')
    expect(drifted.attribution?.sentences[0]).toMatch(sentence)
    expect(drifted.detail).toContain(`turned off by ${anna}`)
    expect(await notificationsOf(sys, c.id)).toEqual(['drifted']) // found at once: no follow-up

    const runs = await api(`/api/v1/customers/${c.id}/runs?limit=1`)
    const latest = (runs.body.items as { attribution: { status: string; sentences: string[] } }[])[0]
    expect(latest?.attribution.status).toBe('found')
    expect(latest?.attribution.sentences[0]).toMatch(sentence)
    const drifts = await api(`/api/v1/customers/${c.id}/drift`)
    expect(drifts.body).toMatchObject({ attributionEnabled: true, items: [{ checkRunId: run.id }] })

    // The customer page shows who changed it.
    const page = await fetch(`${sys.baseUrl}/customers/${c.id}`, {
      headers: { authorization: `Bearer ${await staffToken(sys, 'viewer')}` },
    })
    expect(await page.text()).toContain(`Inbound trust for MFA was turned off by ${anna}`)

    // The evidence pack for the period carries the drift with who made it.
    const evidence = await fetch(`${sys.baseUrl}/api/v1/customers/${c.id}/evidence`, {
      headers: { authorization: `Bearer ${await staffToken(sys, 'viewer')}` },
    })
    expect(evidence.status).toBe(200)
    const pack = (await evidence.json()) as { document: string }
    const doc = JSON.parse(pack.document) as {
      drifts: { checkRunId: string; attribution: { status: string; entries: { actor: unknown }[] } | null }[]
    }
    const drift = doc.drifts.find((d) => d.checkRunId === run.id)
    expect(drift?.attribution?.status).toBe('found')
    expect(drift?.attribution?.entries[0]?.actor).toMatchObject({ userPrincipalName: anna })
  })

  it('looks again when the audit entry arrives late and follows the drift notification up once', async () => {
    const { c, tenantId, anna } = await customerWithAnna({ auditRoles: true, delaySeconds: 3 })
    await enableAttribution(c)
    await annaTurnsOffMfaTrust(tenantId, anna)
    const run = await checkNow(sys, c.id)
    expect(run.outcome).toBe('drifted')
    expect((await eventPayload(c.id, 'drifted')).attribution?.status).toBe('pending')

    const row = await waitFor(async () => {
      const current = await attributionOf(run.id)
      return current.status === 'pending' ? null : current
    }, 'the later lookup')
    expect(row.status).toBe('found')
    expect(row.attempts).toBeGreaterThan(1)
    const followUp = await waitFor(async () => {
      const types = await notificationsOf(sys, c.id)
      return types.includes('drift_attributed') ? types : null
    }, 'the follow-up notification')
    expect(followUp).toEqual(['drifted', 'drift_attributed'])
    expect((await eventPayload(c.id, 'drift_attributed')).attribution?.sentences[0]).toContain(anna)
  })

  it('says "attribution not enabled" without the audit-log consent, and how to enable it', async () => {
    const { c, tenantId, anna } = await customerWithAnna({ auditRoles: false, delaySeconds: 0 })
    await enableAttribution(c)
    await annaTurnsOffMfaTrust(tenantId, anna)
    const run = await checkNow(sys, c.id)
    expect(run.outcome).toBe('drifted')

    const row = await attributionOf(run.id)
    expect(row.status).toBe('not_enabled')
    expect(row.errorMessage).toMatch(/^Re-consent needed: AuditLog\.Read\.All, Directory\.Read\.All\./)
    const drifted = await eventPayload(c.id, 'drifted')
    expect(drifted.attribution?.status).toBe('not_enabled')
    expect(drifted.attribution?.sentences[0]).toMatch(/^Attribution not enabled\. Re-consent needed/)
    expect(drifted.detail).not.toContain(anna)
    // No doomed 403: the audit log was not read.
    const reads = sys.sim.state.requests
      .list({ tenant: tenantId, origin: 'graph' })
      .filter((e) => e.path.includes('/auditLogs/'))
    expect(reads).toEqual([])

    // A fresh consent link's page lists the audit-log permissions as new.
    const issued = await api(`/api/v1/customers/${c.id}/consent-links`, { method: 'POST' })
    const landing = await (await fetch(String(issued.body.url))).text()
    expect(landing).toContain('<span class="mono">AuditLog.Read.All</span>: To read your directory audit log')
    expect(landing).toContain('<span class="mono">Directory.Read.All</span>')
  })

  it('says "attribution not enabled" for a customer that did not switch it on', async () => {
    const { c, tenantId, anna } = await customerWithAnna({ auditRoles: true, delaySeconds: 0 })
    await annaTurnsOffMfaTrust(tenantId, anna)
    const run = await checkNow(sys, c.id)
    expect((await attributionOf(run.id)).status).toBe('not_enabled')
    const drifts = await api(`/api/v1/customers/${c.id}/drift`)
    expect(drifts.body).toMatchObject({
      attributionEnabled: false,
      items: [
        {
          attribution: {
            status: 'not_enabled',
            sentences: [expect.stringMatching(/^Attribution not enabled/)],
          },
        },
      ],
    })
  })
})

/** "Guests: require MFA", so whether MFA from the partner is trusted decides the trust verdict. */
async function guestsRequireMfa(tenantId: string): Promise<void> {
  await sim(`/tenants/${tenantId}/conditional-access/policies/${randomUUID()}`, 'PUT', {
    displayName: 'Guests: require MFA',
    state: 'enabled',
    conditions: {
      users: {
        includeGuestsOrExternalUsers: {
          guestOrExternalUserTypes: 'b2bCollaborationGuest',
          externalTenants: { membershipKind: 'all' },
        },
      },
      applications: { includeApplications: ['All'] },
    },
    grantControls: { operator: 'OR', builtInControls: ['mfa'] },
  })
}

/**
 * Anna clears the partner entry's inbound trust (it now inherits the default's) and the check after it finds
 * the drift; that check reads the default policy for the first time (not a change).
 */
async function entryInheritingTheDefault(options: { auditRoles: boolean }) {
  const found = await customerWithAnna({ auditRoles: options.auditRoles, delaySeconds: 0 })
  await guestsRequireMfa(found.tenantId)
  await enableAttribution(found.c)
  const { inboundTrust: _inherited, ...entry } = compliantPartner() as Record<string, unknown>
  await sim(
    `/tenants/${found.tenantId}/partners/${PARTNER}?actor=${encodeURIComponent(found.anna)}`,
    'PUT',
    entry,
  )
  const drift = await checkNow(sys, found.c.id)
  expect(drift.outcome).toBe('drifted')
  expect((await attributionOf(drift.id)).subject).toBe('partner_entry')
  const seen = await sys.db.prisma.customer.findUniqueOrThrow({ where: { id: found.c.id } })
  expect(decodeDefaultPolicyReading(seen.defaultPolicyFingerprint ?? '')?.inherited).toEqual(['inboundTrust'])
  return found
}

/** Anna turns on "Trust multifactor authentication" in the tenant's default settings. */
async function annaTrustsMfaByDefault(tenantId: string, anna: string): Promise<void> {
  await sim(`/tenants/${tenantId}/default-policy?actor=${encodeURIComponent(anna)}`, 'PATCH', {
    inboundTrust: {
      isMfaAccepted: true,
      isCompliantDeviceAccepted: false,
      isHybridAzureADJoinedDeviceAccepted: false,
    },
  })
}

describe('a changed default policy', () => {
  it('is recorded on the next check and names the administrator who changed it', async () => {
    const { c, tenantId, anna } = await entryInheritingTheDefault({ auditRoles: true })
    const unchanged = await checkNow(sys, c.id)
    expect(
      await sys.db.prisma.driftAttribution.findUnique({ where: { checkRunId: unchanged.id } }),
    ).toBeNull()
    expect(await notificationsOf(sys, c.id)).toEqual(['drifted'])

    await annaTrustsMfaByDefault(tenantId, anna)
    const run = await checkNow(sys, c.id)
    expect(run.outcome).toBe('drifted') // the entry's own drift is unchanged; the default is not ours to repair

    const row = await attributionOf(run.id)
    expect(row).toMatchObject({ subject: 'default_policy', status: 'found', attempts: 1 })
    const entries = row.entries as { activity: string; ours: boolean; actor: Record<string, string> }[]
    expect(entries).toEqual([
      expect.objectContaining({
        activity: 'Update the company default cross-tenant access setting',
        ours: false,
        actor: expect.objectContaining({ type: 'user', userPrincipalName: anna }) as unknown,
      }),
    ])
    const timeline = await sys.db.prisma.auditEvent.findFirstOrThrow({
      where: { customerId: c.id, action: 'default_policy.changed' },
    })
    expect(timeline.entityId).toBe(run.id)

    // The run history (API and customer page) says who changed what.
    const sentence = new RegExp(
      `^Default setting: Inbound trust for MFA was turned on by ${anna} at \\d\\d:\\d\\d UTC`,
    )
    const runs = await api(`/api/v1/customers/${c.id}/runs?limit=1`)
    const latest = (
      runs.body.items as { id: string; attribution: { subject: string; sentences: string[] } }[]
    )[0]
    expect(latest).toMatchObject({ id: run.id, attribution: { subject: 'default_policy' } })
    expect(latest?.attribution.sentences[0]).toMatch(sentence)
    const page = await fetch(`${sys.baseUrl}/customers/${c.id}`, {
      headers: { authorization: `Bearer ${await staffToken(sys, 'viewer')}` },
    })
    const html = await page.text()
    expect(html).toContain(`Default setting: Inbound trust for MFA was turned on by ${anna}`)
    expect(html).toContain('default policy changed')

    // MFA from the partner is now trusted through the default: the verdict changed, and its notification says who.
    expect(await notificationsOf(sys, c.id)).toEqual(['drifted', 'trust_changed'])
    const trust = await eventPayload(c.id, 'trust_changed')
    expect(trust.attribution?.status).toBe('found')
    expect(trust.attribution?.sentences[0]).toMatch(sentence)
    expect(trust.detail).toContain(`turned on by ${anna}`)

    // The evidence pack carries the change with who made it, apart from the entry's drift.
    const evidence = await fetch(`${sys.baseUrl}/api/v1/customers/${c.id}/evidence`, {
      headers: { authorization: `Bearer ${await staffToken(sys, 'viewer')}` },
    })
    expect(evidence.status).toBe(200)
    const doc = JSON.parse(((await evidence.json()) as { document: string }).document) as {
      defaultPolicyChanges: {
        checkRunId: string
        attribution: { status: string; entries: { actor: unknown }[] }
      }[]
      drifts: { checkRunId: string; attribution: unknown }[]
      timeline: { kind: string; text: string }[]
    }
    expect(doc.defaultPolicyChanges.map((d) => [d.checkRunId, d.attribution.status])).toEqual([
      [run.id, 'found'],
    ])
    expect(doc.defaultPolicyChanges[0]?.attribution.entries[0]?.actor).toMatchObject({
      userPrincipalName: anna,
    })
    expect(doc.drifts.find((d) => d.checkRunId === run.id)?.attribution).toBeNull()
    expect(doc.timeline.find((t) => t.kind === 'default_policy.changed')?.text).toContain(anna)

    // The next check finds the default as it was left: nothing new.
    const after = await checkNow(sys, c.id)
    expect(await sys.db.prisma.driftAttribution.findUnique({ where: { checkRunId: after.id } })).toBeNull()
  })

  it('says "attribution not enabled" without the audit-log consent', async () => {
    const { c, tenantId, anna } = await entryInheritingTheDefault({ auditRoles: false })
    await annaTrustsMfaByDefault(tenantId, anna)
    const run = await checkNow(sys, c.id)
    const row = await attributionOf(run.id)
    expect(row).toMatchObject({ subject: 'default_policy', status: 'not_enabled' })
    const runs = await api(`/api/v1/customers/${c.id}/runs?limit=1`)
    const latest = (runs.body.items as { attribution: { status: string; sentences: string[] } }[])[0]
    expect(latest?.attribution.status).toBe('not_enabled')
    expect(latest?.attribution.sentences).toEqual([
      expect.stringMatching(/^The tenant's default cross-tenant access settings changed/),
      expect.stringMatching(/^Attribution not enabled\. Re-consent needed/),
    ])
    expect((await eventPayload(c.id, 'trust_changed')).detail).not.toContain(anna)
  })
})
