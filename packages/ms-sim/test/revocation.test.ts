// Revocation as Microsoft does it: removing the service principal or its app-role assignments (control API)
// stops new tokens, while tokens already issued keep working at Graph until they expire (`token-expiry`,
// the default); `immediate` makes Graph refuse them at once. Real MSAL and Graph client.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { RunningSimulator } from '../src/index.ts'
import { appToken, CONTOSO, DEMO_IDS, decode, graph, startTestSim, testSeedWithContoso } from './helpers.ts'

const PARTNERS = '/policies/crossTenantAccessPolicy/partners'
const APP = DEMO_IDS.appClientId

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

const control = (path: string, body?: unknown) =>
  fetch(`${sim.loginUrl}/_sim/tenants/${CONTOSO}/consents/${APP}/${path}`, {
    method: 'POST',
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  })

async function status(token: string): Promise<number> {
  return graph(sim, () => token)
    .api(PARTNERS)
    .get()
    .then(
      () => 200,
      (e: unknown) => (e as { statusCode: number }).statusCode,
    )
}

async function tokenError(): Promise<string> {
  return appToken(sim, CONTOSO).then(
    () => 'issued',
    (e: unknown) => (e as { errorMessage?: string }).errorMessage ?? String(e),
  )
}

describe('revocation', () => {
  it('token-expiry is the default: a revoked app keeps its issued token until it expires; new requests fail (AADSTS7000229)', async () => {
    expect(sim.state.settings.revocationEffect).toBe('token-expiry')
    sim.state.settings.appTokenLifetimeSeconds = 3
    const token = await appToken(sim, CONTOSO)
    expect((await control('revoke')).status).toBe(204)
    expect(await status(token)).toBe(200)
    expect(await tokenError()).toContain('AADSTS7000229')
    await new Promise((r) => setTimeout(r, 3_100))
    expect(await status(token)).toBe(401)
  })

  it('token-expiry: removed app roles leave the issued token working; new tokens carry no roles and get 403', async () => {
    const token = await appToken(sim, CONTOSO)
    expect((await control('remove-roles', {})).status).toBe(200)
    expect(await status(token)).toBe(200)
    const fresh = await appToken(sim, CONTOSO)
    expect(decode(fresh).roles).toBeUndefined()
    expect(await status(fresh)).toBe(403)
  })

  it('immediate: Graph refuses issued tokens at once (401 app removed, 403 roles removed)', async () => {
    sim.state.settings.revocationEffect = 'immediate'
    const token = await appToken(sim, CONTOSO)
    await control('remove-roles', {})
    expect(await status(token)).toBe(403)
    await control('revoke')
    expect(await status(token)).toBe(401)
    expect(await tokenError()).toContain('AADSTS7000229')
  })
})
