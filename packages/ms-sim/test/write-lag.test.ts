// Eventual consistency of partner writes, as the real Graph client sees it: reads return the previous
// object (or 404 after a create) for `readLagSeconds`; PATCH and DELETE right after a POST answer 404
// Request_ResourceNotFound for `createNotFoundSeconds`.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Client } from '@microsoft/microsoft-graph-client'
import { DEFAULT_SETTINGS, INSTANT_CONSISTENCY, type RunningSimulator } from '../src/index.ts'
import {
  appToken,
  CONTOSO,
  desiredPartner,
  graph,
  PARTNER,
  startTestSim,
  testSeedWithContoso,
} from './helpers.ts'

const PARTNERS = '/policies/crossTenantAccessPolicy/partners'
const ONE = `${PARTNERS}/${PARTNER}`

let sim: RunningSimulator
let g: Client
beforeAll(async () => {
  sim = await startTestSim()
})
afterAll(async () => {
  await sim.close()
})
beforeEach(async () => {
  sim.state.reset(await testSeedWithContoso())
  const token = await appToken(sim, CONTOSO)
  g = graph(sim, () => token)
})

const failure = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e as { statusCode: number; code: string },
  )
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const mfa = (on: boolean) => ({
  inboundTrust: {
    isMfaAccepted: on,
    isCompliantDeviceAccepted: true,
    isHybridAzureADJoinedDeviceAccepted: false,
  },
})

describe('read-after-write lag', () => {
  it('is on by default (DEFAULT_SETTINGS.readLagSeconds): a GET right after the POST is 404, then the entry', async () => {
    await g.api(PARTNERS).post(desiredPartner(PARTNER))
    expect(await failure(g.api(ONE).get())).toMatchObject({
      statusCode: 404,
      code: 'Request_ResourceNotFound',
    })
    await sleep(DEFAULT_SETTINGS.readLagSeconds * 1000 + 50)
    expect(((await g.api(ONE).get()) as { tenantId: string }).tenantId).toBe(PARTNER)
  })

  it('GET after PATCH returns the previous object for readLagSeconds, then the new one', async () => {
    sim.state.requireTenant(CONTOSO).settings = { ...INSTANT_CONSISTENCY }
    await g.api(PARTNERS).post(desiredPartner(PARTNER))
    sim.state.requireTenant(CONTOSO).settings = { readLagSeconds: 2 }
    await g.api(ONE).patch(mfa(false))
    const stale = (await g.api(ONE).get()) as { inboundTrust: { isMfaAccepted: boolean } }
    expect(stale.inboundTrust.isMfaAccepted).toBe(true)
    await sleep(2_050)
    const fresh = (await g.api(ONE).get()) as { inboundTrust: { isMfaAccepted: boolean } }
    expect(fresh.inboundTrust.isMfaAccepted).toBe(false)
  })

  it('INSTANT_CONSISTENCY (a kinder switch set): a read sees the write at once', async () => {
    sim.state.requireTenant(CONTOSO).settings = { ...INSTANT_CONSISTENCY }
    await g.api(PARTNERS).post(desiredPartner(PARTNER))
    expect(((await g.api(ONE).get()) as { tenantId: string }).tenantId).toBe(PARTNER)
  })
})

describe('404 right after a create', () => {
  it('PATCH and DELETE answer 404 Request_ResourceNotFound for createNotFoundSeconds after the POST', async () => {
    // No read lag here, so the final GET shows the DELETE at once.
    sim.state.requireTenant(CONTOSO).settings = { createNotFoundSeconds: 2, readLagSeconds: 0 }
    await g.api(PARTNERS).post(desiredPartner(PARTNER))
    expect(await failure(g.api(ONE).patch(mfa(false)))).toMatchObject({
      statusCode: 404,
      code: 'Request_ResourceNotFound',
    })
    expect(await failure(g.api(ONE).delete())).toMatchObject({
      statusCode: 404,
      code: 'Request_ResourceNotFound',
    })
    // The POST itself is authoritative: a second one is a conflict, not a create.
    expect(await failure(g.api(PARTNERS).post(desiredPartner(PARTNER)))).toMatchObject({ statusCode: 409 })
    await sleep(2_050)
    await g.api(ONE).patch(mfa(false))
    await g.api(ONE).delete()
    expect(await failure(g.api(ONE).get())).toMatchObject({ statusCode: 404 })
  })

  it('is on by default (DEFAULT_SETTINGS.createNotFoundSeconds): a PATCH right after the POST is 404', async () => {
    await g.api(PARTNERS).post(desiredPartner(PARTNER))
    expect(await failure(g.api(ONE).patch(mfa(false)))).toMatchObject({ statusCode: 404 })
    await sleep(DEFAULT_SETTINGS.createNotFoundSeconds * 1000 + 50)
    await g.api(ONE).patch(mfa(false))
  })
})
