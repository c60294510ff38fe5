// The directory audit read of drift attribution through the Graph gateway against the simulator: Graph
// filters on category and the activityDateTime window, and the read needs the audit-log permission.
import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { AccessLostError, directoryAuditFilter } from '../../src/index.ts'
import { gateway } from '../support/graph-gateway.ts'
import { fx, useFixture, APP_ROLES, CLIENT_ID, PARTNER_TENANT_ID } from '../support/sim-fixture.ts'

useFixture()

function tenant(roles: string[]): string {
  const id = randomUUID()
  fx.sim.state.createTenant({
    id,
    displayName: `Customer ${id.slice(0, 8)}`,
    domains: [`c${id.slice(0, 8)}.example.com`],
    licence: 'P2',
    consents: [{ clientId: CLIENT_ID, roles }],
    settings: { auditIngestionDelaySeconds: 0 },
  })
  return id
}

const CATEGORY = 'CrossTenantAccessSettings'

describe('graph gateway: directory audits', () => {
  it('builds the documented $filter: category eq, activityDateTime ge and le, unquoted UTC', () => {
    expect(
      directoryAuditFilter({
        category: "O'Brien",
        from: new Date('2026-12-03T08:00:00Z'),
        to: new Date('2026-12-03T14:02:11.123Z'),
      }),
    ).toBe(
      "category eq 'O''Brien' and activityDateTime ge 2026-12-03T08:00:00.000Z and activityDateTime le 2026-12-03T14:02:11.123Z",
    )
  })

  it('returns the entries of the category in the window, filtered by Graph', async () => {
    const id = tenant([...APP_ROLES, 'AuditLog.Read.All', 'Directory.Read.All'])
    const g = gateway()
    const before = new Date(Date.now() - 1000)
    await g.createPartner(id, { tenantId: PARTNER_TENANT_ID })
    const after = new Date(Date.now() + 1000)

    const inWindow = await g.listDirectoryAudits(id, { category: CATEGORY, from: before, to: after })
    expect(inWindow.value).toHaveLength(1)
    expect(inWindow.value[0]).toMatchObject({
      category: CATEGORY,
      activityDisplayName: 'Add a partner to cross-tenant access setting',
      initiatedBy: { app: { appId: CLIENT_ID } },
    })
    const earlier = await g.listDirectoryAudits(id, {
      category: CATEGORY,
      from: new Date(before.getTime() - 3_600_000),
      to: before,
    })
    expect(earlier.value).toEqual([])
    const other = await g.listDirectoryAudits(id, { category: 'UserManagement', from: before, to: after })
    expect(other.value).toEqual([])

    const reads = fx.sim.state.requests
      .list({ tenant: id, origin: 'graph' })
      .filter((e) => e.path.includes('/auditLogs/directoryAudits'))
    expect(reads).toHaveLength(3)
  })

  it('is refused without AuditLog.Read.All', async () => {
    const id = tenant(APP_ROLES)
    const now = new Date()
    await expect(
      gateway().listDirectoryAudits(id, {
        category: CATEGORY,
        from: new Date(now.getTime() - 60_000),
        to: now,
      }),
    ).rejects.toBeInstanceOf(AccessLostError)
  })
})
