// Licence states from /subscribedSkus (capabilityStatus) and the cloud of a tenant from OpenID discovery,
// read by the product's gateway and resolver from the simulator (real Graph client, real HTTPS).
import { randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { createGraphGateway, resolveTenant } from '../../src/index.ts'
import { addCustomer, fx, tokenProvider, useFixture } from '../support/sim-fixture.ts'

const MSA = '9188040d-6c67-4c5b-b112-36a304b66dad'

useFixture()
beforeAll(() => {
  fx.sim.state.createTenant({ id: MSA, displayName: 'Microsoft Accounts', domains: [] })
})

describe('licence states', () => {
  it.each([
    ['Enabled', 'p2', 'active', 'active'],
    ['Warning', 'p2', 'grace_period', 'grace_period'],
    ['Suspended', 'none', null, 'suspended'],
    ['LockedOut', 'none', null, 'locked_out'],
    ['Deleted', 'none', null, 'deleted'],
  ] as const)('AAD_PREMIUM_P2 %s ⇒ level %s', async (status, level, levelState, state) => {
    const { tenantId } = addCustomer(fx, { licence: 'P2' })
    fx.sim.state.requireTenant(tenantId).graph.skuStatuses = { AAD_PREMIUM_P2: status }
    const graph = createGraphGateway({ graphUrl: fx.sim.graphUrl, tokens: tokenProvider(fx) })
    const { value } = await graph.listSubscribedSkus(tenantId)
    expect(value).toMatchObject({ level, levelState })
    expect(value.entraSubscriptions).toContainEqual(
      expect.objectContaining({ skuPartNumber: 'AAD_PREMIUM_P2', capabilityStatus: status, state }),
    )
  })
})

describe('discovery: the tenant cloud', () => {
  it('a tenant of our cloud: same cloud_instance_name as the endpoint', async () => {
    const { domain, tenantId } = addCustomer(fx)
    expect(await resolveTenant(fx.sim.loginUrl, domain)).toMatchObject({
      tenantId,
      cloudInstanceName: 'microsoftonline.com',
      endpointCloudInstanceName: 'microsoftonline.com',
    })
  })

  it('the consumer tenant by GUID: no region', async () => {
    expect(await resolveTenant(fx.sim.loginUrl, MSA)).toMatchObject({
      tenantId: MSA,
      tenantRegionScope: null,
    })
  })

  it('a US Government and a China tenant report their cloud', async () => {
    const gov = randomUUID()
    fx.sim.state.createTenant({
      id: gov,
      displayName: 'Agency',
      domains: [`gov${gov.slice(0, 6)}.example`],
      cloud: {
        cloudInstanceName: 'microsoftonline.us',
        tenantRegionScope: 'USGov',
        tenantRegionSubScope: 'DODCON',
      },
    })
    expect(await resolveTenant(fx.sim.loginUrl, gov)).toMatchObject({
      cloudInstanceName: 'microsoftonline.us',
      tenantRegionScope: 'USGov',
      tenantRegionSubScope: 'DODCON',
      endpointCloudInstanceName: 'microsoftonline.com',
    })
    const cn = randomUUID()
    fx.sim.state.createTenant({
      id: cn,
      displayName: 'China Co',
      domains: [`cn${cn.slice(0, 6)}.example`],
      cloud: { cloudInstanceName: 'partner.microsoftonline.cn' },
    })
    expect((await resolveTenant(fx.sim.loginUrl, cn)).cloudInstanceName).toBe('partner.microsoftonline.cn')
  })
})
