// Graph access tokens as Microsoft issues them for client credentials (v1.0: issuer sts.windows.net, appid,
// appidacr, idtyp app), the opaque-token switch, and the app-token lifetime switch, seen through the real
// MSAL and Graph clients.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { RunningSimulator } from '../src/index.ts'
import { appToken, CONTOSO, DEMO_IDS, decode, graph, startTestSim, testSeedWithContoso } from './helpers.ts'

const PARTNERS = '/policies/crossTenantAccessPolicy/partners'

let sim: RunningSimulator
beforeAll(async () => {
  sim = await startTestSim()
})
afterAll(async () => {
  await sim.close()
})
beforeEach(async () => {
  sim.state.reset(await testSeedWithContoso())
})

describe('Graph access token format', () => {
  it('jwt (default): v1.0 claims Microsoft documents for app-only Graph tokens', async () => {
    const token = await appToken(sim, CONTOSO)
    const claims = decode(token)
    const sp = sim.state.getTenant(CONTOSO)?.servicePrincipals.get(DEMO_IDS.appClientId)
    expect(claims).toMatchObject({
      iss: `https://sts.windows.net/${CONTOSO}/`,
      ver: '1.0',
      aud: 'https://graph.microsoft.com',
      appid: DEMO_IDS.appClientId,
      appidacr: '1',
      idtyp: 'app',
      tid: CONTOSO,
      oid: sp?.id,
      roles: ['Policy.ReadWrite.CrossTenantAccess', 'Organization.Read.All'],
    })
    expect(claims.azp).toBeUndefined()
    const list = (await graph(sim, () => token)
      .api(PARTNERS)
      .get()) as { value: unknown[] }
    expect(list.value).toEqual([])
  })

  it('opaque: MSAL gets a token that is not a JWT, and Graph accepts it with the same permissions', async () => {
    sim.state.settings.graphTokenFormat = 'opaque'
    const token = await appToken(sim, CONTOSO)
    expect(token.split('.')).toHaveLength(1)
    // Not three base64url parts: no JSON payload to read.
    expect(() => decode(token)).toThrow(SyntaxError)
    const list = (await graph(sim, () => token)
      .api(PARTNERS)
      .get()) as { value: unknown[] }
    expect(list.value).toEqual([])
    sim.state.removeRoles(CONTOSO, DEMO_IDS.appClientId)
    const noRoles = await appToken(sim, CONTOSO)
    const denied = await graph(sim, () => noRoles)
      .api(PARTNERS)
      .get()
      .then(
        () => null,
        (e: unknown) => e as { statusCode: number; code: string },
      )
    expect(denied).toMatchObject({ statusCode: 403, code: 'Authorization_RequestDenied' })
  })

  it('opaque per tenant: other tenants keep JWTs', async () => {
    sim.state.requireTenant(CONTOSO).settings = { graphTokenFormat: 'opaque' }
    expect((await appToken(sim, CONTOSO)).split('.')).toHaveLength(1)
    expect((await appToken(sim, DEMO_IDS.partnerTenantId)).split('.')).toHaveLength(3)
  })

  it('appTokenLifetimeSeconds sets exp and expires_in; Graph refuses the token once it expired', async () => {
    sim.state.settings.appTokenLifetimeSeconds = 1
    const token = await appToken(sim, CONTOSO)
    const claims = decode(token) as { exp: number; iat: number }
    expect(claims.exp - claims.iat).toBe(1)
    await new Promise((r) => setTimeout(r, 2100))
    const e = await graph(sim, () => token)
      .api(PARTNERS)
      .get()
      .then(
        () => null,
        (err: unknown) => err as { statusCode: number; code: string },
      )
    expect(e).toMatchObject({ statusCode: 401, code: 'InvalidAuthenticationToken' })
  })
})
