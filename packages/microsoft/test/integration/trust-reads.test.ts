// The effective-trust reads through the Graph gateway against the simulator: Conditional Access policies
// across @odata.nextLink pages, the authorization policy, and the roles the tenant's token carries.
import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { AccessLostError, createGraphGateway } from '../../src/index.ts'
import { fx, useFixture, APP_ROLES, CLIENT_ID, tokenProvider } from '../support/sim-fixture.ts'

useFixture()

const fastRetry = { maxAttempts: 2, budgetMs: 5_000, baseDelayMs: 20, maxDelayMs: 50 }

function tenant(roles: string[], policies = 0): string {
  const id = randomUUID()
  fx.sim.state.createTenant({
    id,
    displayName: `Customer ${id.slice(0, 8)}`,
    domains: [`c${id.slice(0, 8)}.example.com`],
    licence: 'P2',
    consents: [{ clientId: CLIENT_ID, roles }],
    settings: { conditionalAccessPageSize: 2 },
    conditionalAccessPolicies: Array.from({ length: policies }, (_, i) => ({
      displayName: `Policy ${String(i)}`,
      state: 'enabled',
      conditions: { users: { includeUsers: ['All'] }, applications: { includeApplications: ['All'] } },
      grantControls: { operator: 'OR', builtInControls: ['mfa'] },
    })),
    authorizationPolicy: { allowInvitesFrom: 'adminsAndGuestInviters' },
  })
  return id
}

describe('graph gateway: effective-trust reads', () => {
  it('lists every Conditional Access policy across pages and reads the authorization policy', async () => {
    const id = tenant([...APP_ROLES, 'Policy.Read.All'], 5)
    const g = createGraphGateway({ graphUrl: fx.sim.graphUrl, tokens: tokenProvider(fx), retry: fastRetry })
    expect(await g.grantedRoles(id)).toContain('Policy.Read.All')
    const list = await g.listConditionalAccessPolicies(id, { priority: 'low' })
    expect(list.value.map((p) => p.displayName)).toEqual([
      'Policy 0',
      'Policy 1',
      'Policy 2',
      'Policy 3',
      'Policy 4',
    ])
    expect(list.attempts).toBe(3)
    const gets = fx.sim.state.requests
      .list({ tenant: id, origin: 'graph' })
      .filter((e) => e.path.includes('/identity/conditionalAccess/policies'))
    expect(gets).toHaveLength(3)
    const authz = await g.getAuthorizationPolicy(id)
    expect(authz.value.allowInvitesFrom).toBe('adminsAndGuestInviters')
  })

  it('a token without Policy.Read.All shows in grantedRoles, and Graph refuses the read', async () => {
    const id = tenant(APP_ROLES, 1)
    const g = createGraphGateway({ graphUrl: fx.sim.graphUrl, tokens: tokenProvider(fx), retry: fastRetry })
    expect(await g.grantedRoles(id)).not.toContain('Policy.Read.All')
    await expect(g.listConditionalAccessPolicies(id)).rejects.toBeInstanceOf(AccessLostError)
  })
})
