// The control API other tools rely on (/_sim/... on both origins), and the standalone CLI.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'
import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { simSeedSchema } from '../src/index.ts'
import type { RunningSimulator } from '../src/index.ts'
import {
  appToken,
  CONTOSO,
  desiredPartner,
  DEMO_IDS,
  FABRIKAM,
  graph,
  PARTNER,
  startTestSim,
  testSeedWithContoso,
} from './helpers.ts'

let sim: RunningSimulator
beforeAll(async () => {
  sim = await startTestSim()
})
afterAll(async () => {
  await sim.close()
})
beforeEach(async () => {
  // Back to the test seed (a test below loads another seed).
  sim.state.reset(await testSeedWithContoso())
})

const json = (method: string, body?: unknown): RequestInit => ({
  method,
  headers: body === undefined ? {} : { 'content-type': 'application/json' },
  body: body === undefined ? undefined : JSON.stringify(body),
})

describe('control API', () => {
  it('GET /_sim/tenants lists id, display name, domains and licences on both origins', async () => {
    for (const base of [sim.loginUrl, sim.graphUrl]) {
      const tenants = (await (await fetch(`${base}/_sim/tenants`)).json()) as {
        id: string
        displayName: string
        domains: string[]
        licence: string
        licences: string[]
      }[]
      expect(tenants.map((t) => t.id)).toEqual([PARTNER, CONTOSO, FABRIKAM, DEMO_IDS.customers.northwind])
      expect(tenants[0]).toMatchObject({
        displayName: 'Truesec Detect AB',
        licence: 'P2',
        licences: ['AAD_PREMIUM_P2'],
      })
      expect(tenants[0]?.domains).toContain('truesecdetect.io')
    }
  })

  it('GET/PUT/DELETE /_sim/tenants/{t}/partners/{p} read, replace and delete the stored entry', async () => {
    const url = `${sim.loginUrl}/_sim/tenants/${CONTOSO}/partners/${PARTNER}`
    expect((await fetch(url)).status).toBe(404)
    const { tenantId: _t, ...body } = desiredPartner(PARTNER)
    const put = await fetch(url, json('PUT', body))
    expect(put.status).toBe(201)
    const stored = (await (await fetch(url)).json()) as Record<string, unknown>
    expect(stored).toMatchObject({ tenantId: PARTNER, b2bCollaborationOutbound: null })
    expect(stored.inboundTrust).toEqual(body.inboundTrust)
    expect((await fetch(url, json('DELETE'))).status).toBe(204)
    expect((await fetch(url, json('DELETE'))).status).toBe(404)
  })

  it('POST /_sim/tenants/{t}/consents/{clientId}/revoke deletes the service principal (token endpoint then says AADSTS7000229)', async () => {
    const r = await fetch(
      `${sim.loginUrl}/_sim/tenants/${CONTOSO}/consents/${DEMO_IDS.appClientId}/revoke`,
      json('POST'),
    )
    expect(r.status).toBe(204)
    await expect(appToken(sim, CONTOSO)).rejects.toMatchObject({ errorNo: 7000229 })
  })

  it('creates tenants, users and consents, sets switches and faults, and resets', async () => {
    const id = '12345678-aaaa-4bbb-8ccc-1234567890ab'
    const created = await fetch(
      `${sim.graphUrl}/_sim/tenants`,
      json('POST', { id, displayName: 'Adatum', domains: ['adatum.example'], licence: 'P1' }),
    )
    expect(created.status).toBe(201)
    expect(
      (
        await fetch(
          `${sim.graphUrl}/_sim/tenants`,
          json('POST', { id, displayName: 'Adatum', domains: ['adatum2.example'] }),
        )
      ).status,
    ).toBe(409)
    expect(
      (
        await fetch(
          `${sim.graphUrl}/_sim/tenants`,
          json('POST', { id: 'not-a-guid', displayName: 'x', domains: ['x.example'] }),
        )
      ).status,
    ).toBe(400)
    expect(
      (
        await fetch(
          `${sim.graphUrl}/_sim/tenants/${id}/users`,
          json('POST', { displayName: 'Ann', userPrincipalName: 'ann@adatum.example' }),
        )
      ).status,
    ).toBe(201)
    expect(
      (
        await fetch(
          `${sim.graphUrl}/_sim/tenants/${id}/consents`,
          json('POST', { clientId: DEMO_IDS.appClientId, ageSeconds: 60 }),
        )
      ).status,
    ).toBe(201)
    const token = await appToken(sim, 'adatum.example')
    const org = (await graph(sim, () => token)
      .api('/organization')
      .get()) as { value: { displayName: string }[] }
    expect(org.value[0]?.displayName).toBe('Adatum')

    const patched = await fetch(
      `${sim.graphUrl}/_sim/tenants/${id}`,
      json('PATCH', { licence: 'none', settings: { readLagSeconds: 2 } }),
    )
    expect(((await patched.json()) as { licence: string }).licence).toBe('none')
    const settings = await fetch(
      `${sim.graphUrl}/_sim/settings`,
      json('PATCH', { unlicensedInboundTrust: 'reject-400' }),
    )
    expect(((await settings.json()) as { unlicensedInboundTrust: string }).unlicensedInboundTrust).toBe(
      'reject-400',
    )
    const fault = await fetch(
      `${sim.graphUrl}/_sim/faults`,
      json('POST', { kind: 'error', status: 503, tenantId: id }),
    )
    const rule = (await fault.json()) as { id: string }
    expect(((await (await fetch(`${sim.graphUrl}/_sim/faults`)).json()) as unknown[]).length).toBe(1)
    expect((await fetch(`${sim.graphUrl}/_sim/faults/${rule.id}`, json('DELETE'))).status).toBe(204)

    expect((await fetch(`${sim.graphUrl}/_sim/reset`, json('POST'))).status).toBe(204)
    expect(sim.state.getTenant(id)).toBeUndefined()
    expect(sim.state.settings.unlicensedInboundTrust).toBe('accept')
  })

  it('GET /_sim/requests reports time, tenant, method, path, status and early', async () => {
    const token = await appToken(sim, CONTOSO)
    await fetch(`${sim.graphUrl}/v1.0/policies/crossTenantAccessPolicy/partners/${PARTNER}`, {
      headers: { authorization: `Bearer ${token}` },
    })
    const log = (await (await fetch(`${sim.loginUrl}/_sim/requests?tenant=${CONTOSO}`)).json()) as Record<
      string,
      unknown
    >[]
    const entry = log.find((e) => e.origin === 'graph')
    expect(entry).toMatchObject({
      tenant: CONTOSO,
      method: 'GET',
      path: `/v1.0/policies/crossTenantAccessPolicy/partners/${PARTNER}`,
      status: 404,
      early: false,
    })
    expect(Date.parse(String(entry?.time))).toBeGreaterThan(Date.now() - 60_000)
    expect(log.some((e) => e.origin === 'login' && e.status === 200)).toBe(true)
  })
})

describe('seed files', () => {
  it('seed/example.json is a valid seed and loads into the simulator state', async () => {
    const root = join(dirname(fileURLToPath(import.meta.url)), '..')
    const raw: unknown = JSON.parse(await readFile(join(root, 'seed/example.json'), 'utf8'))
    const seed = simSeedSchema.parse(raw)
    sim.state.reset(seed)
    expect([...sim.state.tenants.values()].map((t) => t.displayName)).toEqual([
      'Truesec Detect AB',
      'Contoso Manufacturing AB',
      'Fabrikam Retail',
    ])
    expect(sim.state.settings.consentMissingSeconds).toBe(5)
    expect(() => simSeedSchema.parse({ tenants: [{ id: 'x', displayName: 'y', domains: [] }] })).toThrow(
      /GUID/,
    )
  })
})

describe('CLI', () => {
  it('starts, prints the login URL, Graph URL and CA path, and stops cleanly on SIGTERM', async () => {
    const root = join(dirname(fileURLToPath(import.meta.url)), '..')
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(root, 'src/cli.ts'), '--login-port', '0', '--graph-port', '0'],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (out += d.toString()))
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => {
        reject(new Error(`CLI did not start: ${out}`))
      }, 30_000)
      child.stdout.on('data', () => {
        if (out.includes('control API')) {
          clearTimeout(t)
          resolve()
        }
      })
    })
    const loginUrl = /MS_LOGIN_URL=(\S+)/.exec(out)?.[1] ?? ''
    expect(loginUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
    expect(out).toMatch(/MS_GRAPH_URL=https:\/\/127\.0\.0\.1:\d+/)
    expect(out).toContain(`NODE_EXTRA_CA_CERTS=${sim.caCertPath}`)
    const tenants = (await (await fetch(`${loginUrl}/_sim/tenants`)).json()) as { displayName: string }[]
    expect(tenants.map((t) => t.displayName)).toContain('Truesec Detect AB')
    const code = await new Promise<number | null>((resolve) => {
      child.on('exit', resolve)
      child.kill('SIGTERM')
    })
    expect(code).toBe(0)
  })
})
