// Measures what the simulator sustains on this machine: client-credentials token requests and Graph GETs.
// The simulator runs in its own process (the CLI, as `pnpm sim` would) so the load generator (autocannon,
// this process) does not share its event loop. Prints a markdown snippet for BENCHMARKS.md.
//   pnpm --filter @crosstrust/ms-sim run bench          (BENCH_SECONDS=10, BENCH_CONNECTIONS=50)
import { spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { cpus } from 'node:os'
import autocannon from 'autocannon'
import type { Result } from 'autocannon'
import { DEMO_IDS } from '../src/demo-seed.ts'
import { simulatorTrustBundle } from '../src/index.ts'

const seconds = Number(process.env.BENCH_SECONDS ?? 10)
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50)
const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const SECRET = 'demo-app-secret-not-for-production'
const CUSTOMERS = 200

async function startSim(): Promise<{ loginUrl: string; graphUrl: string; stop: () => Promise<void> }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(root, 'src/cli.ts'), '--login-port', '0', '--graph-port', '0'],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  let out = ''
  await new Promise<void>((resolve, reject) => {
    child.on('exit', (c) => {
      reject(new Error(`simulator exited (${String(c)}): ${out}`))
    })
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      if (out.includes('control API')) resolve()
    })
  })
  const get = (k: string): string => new RegExp(`${k}=(\\S+)`).exec(out)?.[1] ?? ''
  return {
    loginUrl: get('MS_LOGIN_URL'),
    graphUrl: get('MS_GRAPH_URL'),
    stop: () =>
      new Promise((r) => {
        child.removeAllListeners('exit')
        child.on('exit', () => {
          r()
        })
        child.kill('SIGTERM')
      }),
  }
}

async function post(url: string, body: unknown): Promise<Response> {
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  if (r.status >= 300) throw new Error(`${url}: ${String(r.status)} ${await r.text()}`)
  return r
}

function tokenBody(): string {
  return new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: DEMO_IDS.appClientId,
    client_secret: SECRET,
    scope: 'https://graph.microsoft.com/.default',
  }).toString()
}

async function main(): Promise<void> {
  const sim = await startSim()
  try {
    // Many consented customer tenants, each with the partner entry, so tenant-spread runs are realistic.
    const tenants: string[] = []
    for (let i = 0; i < CUSTOMERS; i++) {
      const id = `b0000000-0000-4000-8000-${String(i).padStart(12, '0')}`
      tenants.push(id)
      await post(`${sim.loginUrl}/_sim/tenants`, {
        id,
        displayName: `Bench ${String(i)}`,
        domains: [`bench${String(i)}.example`],
        licence: 'P2',
        consents: [{ clientId: DEMO_IDS.appClientId }],
      })
    }
    const tokens: string[] = []
    for (const t of tenants) {
      const r = await fetch(`${sim.loginUrl}/${t}/oauth2/v2.0/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: tokenBody(),
      })
      const { access_token } = (await r.json()) as { access_token: string }
      tokens.push(access_token)
      await fetch(`${sim.graphUrl}/v1.0/policies/crossTenantAccessPolicy/partners`, {
        method: 'POST',
        headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          tenantId: DEMO_IDS.partnerTenantId,
          inboundTrust: {
            isMfaAccepted: true,
            isCompliantDeviceAccepted: true,
            isHybridAzureADJoinedDeviceAccepted: false,
          },
        }),
      })
    }
    let i = 0
    const next = (): number => (i = (i + 1) % CUSTOMERS)
    const runs: [string, () => Promise<Result>][] = [
      [
        'Token endpoint, client credentials (secret), 1 tenant',
        () =>
          autocannon({
            url: `${sim.loginUrl}/${DEMO_IDS.partnerTenantId}/oauth2/v2.0/token`,
            connections,
            duration: seconds,
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: tokenBody(),
          }),
      ],
      [
        `Token endpoint, client credentials (secret), ${String(CUSTOMERS)} tenants round-robin`,
        () =>
          autocannon({
            url: sim.loginUrl,
            connections,
            duration: seconds,
            requests: [
              {
                method: 'POST',
                headers: { 'content-type': 'application/x-www-form-urlencoded' },
                body: tokenBody(),
                setupRequest: (req) => ({ ...req, path: `/${tenants[next()] ?? ''}/oauth2/v2.0/token` }),
              },
            ],
          }),
      ],
      [
        `Graph GET partner entry, ${String(CUSTOMERS)} tenants round-robin`,
        () =>
          autocannon({
            url: sim.graphUrl,
            connections,
            duration: seconds,
            requests: [
              {
                method: 'GET',
                path: `/v1.0/policies/crossTenantAccessPolicy/partners/${DEMO_IDS.partnerTenantId}`,
                setupRequest: (req) => ({
                  ...req,
                  headers: { authorization: `Bearer ${tokens[next()] ?? ''}` },
                }),
              },
            ],
          }),
      ],
    ]
    const rows: string[] = []
    for (const [name, run] of runs) {
      const r = await run()
      rows.push(
        `| ${name} | ${Math.round(r.requests.average).toLocaleString('en-US')} | ${String(r.latency.p50)} | ${String(r.latency.p99)} | ${String(r.non2xx + r.errors + r.timeouts)} |`,
      )
      process.stderr.write(`done: ${name}\n`)
    }
    const cpu = cpus()[0]?.model ?? 'unknown CPU'
    process.stdout.write(
      [
        `### Microsoft simulator throughput`,
        ``,
        `${String(cpus().length)} × ${cpu}, Node ${process.version}; simulator in its own process (HTTPS, keep-alive), autocannon ${String(connections)} connections × ${String(seconds)} s from a second process.`,
        ``,
        `| Scenario | req/s (avg) | p50 ms | p99 ms | non-2xx/errors |`,
        `|---|---:|---:|---:|---:|`,
        ...rows,
        ``,
        `Produced by \`pnpm --filter @crosstrust/ms-sim run bench\`.`,
        ``,
      ].join('\n'),
    )
  } finally {
    await sim.stop()
  }
}

/** Node reads NODE_EXTRA_CA_CERTS only at start: re-run this script with it set so fetch trusts the simulator. */
async function entry(): Promise<void> {
  if (process.env.MS_SIM_BENCH_CHILD === '1') return main()
  const certPath = await simulatorTrustBundle()
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, NODE_EXTRA_CA_CERTS: certPath, MS_SIM_BENCH_CHILD: '1' },
  })
  const code = await new Promise<number | null>((r) => child.on('exit', r))
  process.exitCode = code ?? 1
}

entry().catch((e: unknown) => {
  process.stderr.write(
    `${e instanceof Error ? (e.stack ?? e.message) : String(e)} ${String((e as { cause?: unknown }).cause)}\n`,
  )
  process.exit(1)
})
