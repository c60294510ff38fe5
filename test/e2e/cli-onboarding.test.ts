// The `crosstrust` CLI as a real process against a whole running system: sign in through the browser flow
// (authorization code + PKCE, loopback redirect), add a customer, print its consent link, let the customer
// admin consent, and watch `customers show` reach onboarded/compliant; then act, export and check refusals.
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { consentAs } from '../support/consent-driver.ts'
import { staffToken } from '../support/staff-tokens.ts'
import { DEMO_IDS, freePort, startSystem, waitFor, type System } from '../support/system.ts'

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../apps/cli/bin/crosstrust.js')

let sys: System
let loginPort: number
let configDir: string

beforeAll(async () => {
  loginPort = await freePort()
  sys = await startSystem({
    seed: (seed) => {
      // The CLI's loopback redirect, registered on the staff app as an exact URI (web-app registration).
      const staffApp = seed.apps?.find((a) => a.clientId === DEMO_IDS.staffAppClientId)
      if (!staffApp) throw new Error('demo seed has no staff app')
      staffApp.redirectUris = [...(staffApp.redirectUris ?? []), `http://127.0.0.1:${loginPort}/`]
    },
  })
  configDir = await mkdtemp(path.join(tmpdir(), 'crosstrust-cli-'))
})
afterAll(async () => {
  await sys.stop()
  await rm(configDir, { recursive: true, force: true })
})

interface Run {
  code: number
  stdout: string
  stderr: string
}

/** Runs `crosstrust …` as a child process; `onStderr` sees stderr as it arrives (the login URL). */
function cli(
  args: string[],
  opts: { env?: Record<string, string>; stdin?: string; onStderr?: (text: string) => void } = {},
): Promise<Run> {
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('CROSSTRUST_')) env[k] = v
  }
  Object.assign(
    env,
    { CROSSTRUST_URL: sys.baseUrl, CROSSTRUST_CONFIG_DIR: configDir, NO_COLOR: '1' },
    opts.env,
  )
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')))
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8')
      opts.onStderr?.(stderr)
    })
    child.on('error', reject)
    child.on('close', (code) => {
      resolve({ code: code ?? -1, stdout, stderr })
    })
    child.stdin.end(opts.stdin ?? '')
  })
}

/** Plays the browser: picks the user on the simulator's sign-in page and follows the redirect home. */
async function signInInBrowser(authorizeUrl: string, userId: string): Promise<void> {
  const url = new URL(authorizeUrl)
  const form = new URLSearchParams(url.searchParams)
  form.set('user_id', userId)
  const picked = await fetch(url.origin + url.pathname, { method: 'POST', body: form, redirect: 'manual' })
  const back = picked.headers.get('location')
  if (picked.status !== 302 || !back) throw new Error(`sign-in page answered ${picked.status}`)
  expect(back.startsWith(`http://127.0.0.1:${loginPort}/?`)).toBe(true)
  const landed = await fetch(back)
  expect(await landed.text()).toContain('Signed in')
}

function parse(run: Run): unknown {
  expect(run.code, run.stderr).toBe(0)
  return JSON.parse(run.stdout)
}

describe('crosstrust CLI', () => {
  let customerId = ''

  it('signs in with the browser flow (authorization code + PKCE, loopback redirect)', async () => {
    let opened = false
    const login = cli(
      [
        'login',
        '--no-browser',
        '--port',
        String(loginPort),
        '--tenant',
        sys.config.STAFF_TENANT_ID,
        '--client-id',
        sys.config.STAFF_CLIENT_ID ?? '',
        '--login-url',
        sys.sim.loginUrl,
      ],
      {
        env: { CROSSTRUST_CLIENT_SECRET: sys.config.STAFF_CLIENT_SECRET ?? '' },
        onStderr: (text) => {
          const match = /^(https?:\/\/\S+\/authorize\?\S+)$/m.exec(text)
          if (match?.[1] && !opened) {
            opened = true
            void signInInBrowser(match[1], DEMO_IDS.staff.operator)
          }
        },
      },
    )
    const done = await login
    expect(done.code, done.stderr).toBe(0)
    expect(done.stdout).toContain(`Signed in to ${sys.baseUrl} as Oskar Operator (Operator).`)
    const file = path.join(configDir, 'credentials.json')
    expect((await stat(file)).mode & 0o777).toBe(0o600)
    const me = parse(await cli(['whoami', '--json'])) as { roles: string[]; oid: string }
    expect(me).toMatchObject({ roles: ['Operator'], oid: DEMO_IDS.staff.operator })
  })

  it('drives a full onboarding: customers add → link → admin consents → customers show is compliant', async () => {
    const created = parse(
      await cli([
        'customers',
        'add',
        'Northwind Traders',
        '--tenant',
        'northwindtraders.example',
        '--contact',
        'Nadia <nadia@northwindtraders.example>',
        '--json',
      ]),
    ) as { id: string; expectedTenantId: string }
    expect(created.expectedTenantId).toBe(DEMO_IDS.customers.northwind)
    customerId = created.id

    const link = await cli(['link', customerId])
    expect(link.code, link.stderr).toBe(0)
    const url = link.stdout.trim()
    expect(url).toMatch(new RegExp(`^${sys.baseUrl}/consent/[\\w-]+$`))
    expect(link.stderr).toContain('Consent link valid until')

    const consent = await consentAs(url, DEMO_IDS.customers.northwind, 'accept')
    expect(consent.finalStatus).toBe(200)

    const shown = await waitFor(
      async () => {
        const detail = parse(await cli(['customers', 'show', customerId, '--json'])) as {
          customer: { onboardingState: string; complianceState: string }
        }
        return detail.customer.onboardingState === 'onboarded' &&
          detail.customer.complianceState === 'compliant'
          ? detail
          : null
      },
      'customers show to reach onboarded/compliant',
      60_000,
    )
    expect(shown.customer).toMatchObject({ onboardingState: 'onboarded', complianceState: 'compliant' })

    const table = await cli(['customers', 'show', customerId])
    expect(table.code).toBe(0)
    expect(table.stdout).toMatch(/Onboarding\s+onboarded/)
    expect(table.stdout).toMatch(/Compliance\s+compliant/)
    expect(table.stdout).toMatch(/Inbound access\s+Configured/)
    expect(table.stdout).toMatch(/Outbound access\s+Inherited from default/)
    expect(table.stdout).toMatch(/Tenant restrictions\s+Inherited from default/)
    expect(table.stdout).toMatch(/verified\s+succeeded/)

    const list = await cli(['customers', 'list', '-q', 'northwind'])
    expect(list.stdout.split('\n')[0]).toMatch(/^NAME\s+TENANT\s+ONBOARDING/)
    expect(list.stdout).toMatch(
      /Northwind Traders\s+Northwind Traders\s+onboarded\s+-\s+compliant\s+Configured/,
    )
    const listed = parse(await cli(['customers', '--json', '--state', 'onboarded'])) as {
      items: { id: string }[]
    }
    expect(listed.items.map((c) => c.id)).toEqual([customerId])
  }, 120_000)

  it('re-checks, re-applies and exports CSV', async () => {
    const recheck = await cli(['recheck', customerId])
    expect(recheck.stdout).toBe(`Queued check for customer ${customerId}.\n`)
    const apply = parse(await cli(['apply', customerId, '--json'])) as { queued: string }
    expect(apply.queued).toBe('apply')

    const file = path.join(configDir, 'customers.csv')
    const exported = await cli(['export', '--output', file, '--state', 'onboarded'])
    expect(exported.code, exported.stderr).toBe(0)
    const csv = await readFile(file, 'utf8')
    expect(csv.split('\r\n')[0]).toMatch(/^"id","name","tenant_id",/)
    expect(csv).toContain(`"${customerId}","Northwind Traders","${DEMO_IDS.customers.northwind}",`)
    const stdout = await cli(['export'])
    expect(stdout.stdout).toBe(csv)
  })

  it('refuses what the role does not allow, bad usage and bad tokens, with exit codes', async () => {
    const viewer = await staffToken(sys, 'viewer')
    const denied = await cli(['link', customerId], { env: { CROSSTRUST_TOKEN: viewer } })
    expect(denied.code).toBe(1)
    expect(denied.stderr).toContain('needs the Operator role')
    expect(denied.stderr).toContain('403 insufficient_role')

    const noConfirm = await cli(['offboard', customerId])
    expect(noConfirm.code).toBe(2)
    expect(noConfirm.stderr).toContain('--yes')
    expect((await cli(['customers', 'list', '--frobnicate'])).code).toBe(2)
    const badState = await cli(['customers', 'list', '--state', 'sideways'])
    expect(badState.code).toBe(1)
    expect(badState.stderr).toContain('400 validation_failed')
    expect((await cli(['whoami'], { env: { CROSSTRUST_TOKEN: 'garbage' } })).code).toBe(3)

    const admin = await staffToken(sys, 'admin')
    const off = await cli(['offboard', customerId, '--yes', '--reason', 'Test over'], {
      env: { CROSSTRUST_TOKEN: admin },
    })
    expect(off.stdout).toBe(`Queued offboard for customer ${customerId}.\n`)
    const audit = await sys.db.prisma.auditEvent.findFirstOrThrow({
      where: { customerId, action: 'customer.offboard_requested' },
    })
    expect(audit).toMatchObject({ actorType: 'staff', actorId: DEMO_IDS.staff.admin })
  })

  it('stores a token given on stdin, and signs out', async () => {
    const admin = await staffToken(sys, 'admin')
    const login = await cli(['login', '--with-token'], { stdin: `${admin}\n` })
    expect(login.stdout).toContain('as Alva Admin (Admin)')
    expect((parse(await cli(['whoami', '--json'])) as { roles: string[] }).roles).toEqual(['Admin'])
    expect((await cli(['logout'])).stdout).toContain('Signed out')
    const after = await cli(['whoami'])
    expect(after.code).toBe(3)
    expect(after.stderr).toContain('crosstrust login')
  })
})
