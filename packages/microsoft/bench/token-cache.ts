// Micro-benchmark: does a cache-hit token lookup stay flat as the number of tenants grows?
//
// What it measures, honestly:
// - "hit": the full TokenProvider.getToken() path for a tenant whose token is cached (tenant-id check,
//   LRU Map lookup + recency update, expiry check, counters, resolved Promise), awaited one by one, for
//   random tenants. No network. This is the per-lookup cost the issue asks to keep flat at 100k tenants.
// - "fill": real client-credential token requests through MSAL to the simulator (HTTPS, in this same
//   process, so the simulator's JWT signing shares the CPU), populating the cache. Throughput only.
// - baseline (--baseline): the same hit lookup done the naive way, one shared MSAL
//   ConfidentialClientApplication with per-request authority, to show why we do not do that.
//
// - misses (--misses=N): the token path options for a cache MISS, N fresh tenants each: (a) the provider
//   (one shared MSAL client, per-request authority, skipCache, MSAL's cache emptied after each request),
//   (b) a new MSAL client per request (what a bounded LRU of per-tenant clients degrades to once the fleet
//   outgrows it), (c) one shared client whose cache is left to grow. CPU µs per token of this process
//   (the in-process simulator's share is the same for every option) and tokens/s.
//
// Run: pnpm --filter @crosstrust/microsoft run bench [-- --sizes=1000,10000,100000 --baseline=1000,4000 --misses=2000]
import { spawnSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { ConfidentialClientApplication } from '@azure/msal-node'
import { ensureSimulatorCa, startSimulator } from '@crosstrust/ms-sim'
import { createTokenProvider, GRAPH_DEFAULT_SCOPE } from '../src/index.ts'
import { msalAuthorityOptions } from '../src/msal-authority.ts'

// Node reads NODE_EXTRA_CA_CERTS only at start: re-run ourselves with the simulator's CA trusted.
const { certPath } = await ensureSimulatorCa()
if (process.env['NODE_EXTRA_CA_CERTS'] !== certPath) {
  const child = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, NODE_EXTRA_CA_CERTS: certPath },
  })
  process.exit(child.status ?? 1)
}

function arg(name: string, fallback: number[]): number[] {
  const raw = process.argv.find((a) => a.startsWith(`--${name}=`))
  if (raw === undefined) return fallback
  return raw
    .slice(name.length + 3)
    .split(',')
    .filter(Boolean)
    .map(Number)
}

const sizes = arg('sizes', [1_000, 10_000, 100_000])
const baselineSizes = arg('baseline', [])
const missCount = arg('misses', [])[0] ?? 0
const CLIENT_ID = 'b7e3c1a2-4d5f-4a6b-8c9d-0e1f2a3b4c5d'
const SECRET = 'bench-secret'
const HOME = '07d2f395-f69c-43ab-88a2-b82f1151042d'

const sim = await startSimulator({
  requestLogCap: 1_000,
  seed: {
    apps: [
      {
        clientId: CLIENT_ID,
        displayName: 'bench',
        homeTenantId: HOME,
        secrets: [SECRET],
        requiredGraphRoles: ['Policy.ReadWrite.CrossTenantAccess'],
      },
    ],
    tenants: [{ id: HOME, displayName: 'home', domains: ['home.example.com'] }],
  },
})

const tenants: string[] = []
function addTenants(upTo: number): void {
  while (tenants.length < upTo) {
    const id = randomUUID()
    sim.state.createTenant({
      id,
      displayName: `t${tenants.length}`,
      domains: [`t${tenants.length}.bench.example.com`],
      consents: [{ clientId: CLIENT_ID }],
    })
    tenants.push(id)
  }
}

async function fill(
  get: (tenantId: string) => Promise<unknown>,
  from: number,
  to: number,
  concurrency = 16,
): Promise<number> {
  const started = performance.now()
  let next = from
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < to) {
        const id = tenants[next++]
        if (id !== undefined) await get(id)
      }
    }),
  )
  return ((to - from) / (performance.now() - started)) * 1000
}

/**
 * Mean µs per awaited lookup over batches of 1,000 random tenants drawn from the first `count`;
 * p50/p99 of the batch means.
 */
async function measureHits(get: (tenantId: string) => Promise<unknown>, count: number, batches: number) {
  const means: number[] = []
  for (let b = 0; b < batches; b++) {
    const ids = Array.from({ length: 1_000 }, () => tenants[Math.floor(Math.random() * count)] ?? '')
    const t0 = performance.now()
    for (const id of ids) await get(id)
    means.push(((performance.now() - t0) * 1000) / ids.length)
  }
  means.sort((a, b) => a - b)
  const at = (q: number): number => means[Math.min(means.length - 1, Math.floor(q * means.length))] ?? NaN
  return { p50: at(0.5), p99: at(0.99) }
}

function heapMb(): number {
  const gc = (globalThis as { gc?: () => void }).gc
  gc?.()
  return process.memoryUsage().heapUsed / 1024 / 1024
}

const fmt = (n: number, digits = 2): string => n.toFixed(digits)
console.log(`node ${process.version}, ${sizes.join('/')} tenants; simulator in-process at ${sim.loginUrl}`)
console.log('')
console.log('TokenProvider (LRU Map in front of one shared MSAL client):')
// "hot 1k": lookups spread over only 1,000 of the cached tenants. If this stays put while "hit" rises,
// the rise is CPU-cache misses from touching random entries of a large Map, not work that grows with n.
console.log(
  'tenants    fill tok/s   hit µs/op p50   hit µs/op p99   hot 1k µs/op p50   heapUsed MB*   token POSTs',
)

const provider = createTokenProvider({
  loginUrl: sim.loginUrl,
  clientId: CLIENT_ID,
  credential: { kind: 'secret', secret: SECRET },
})
const viaProvider = (id: string) => provider.getToken(id)
let filled = 0
for (const size of sizes) {
  addTenants(size)
  const rate = await fill(viaProvider, filled, size)
  filled = size
  await measureHits(viaProvider, size, 20) // warm-up
  const hits = await measureHits(viaProvider, size, 200)
  const hot = await measureHits(viaProvider, Math.min(size, 1_000), 200)
  const stats = provider.stats()
  console.log(
    `${String(size).padEnd(10)} ${fmt(rate, 0).padStart(10)}   ${fmt(hits.p50).padStart(13)}   ${fmt(hits.p99).padStart(13)}   ${fmt(hot.p50).padStart(16)}   ${fmt(heapMb(), 0).padStart(12)}   ${stats.networkRequests}`,
  )
}
console.log('* whole process: includes the in-process simulator holding the same tenants')

if (baselineSizes.length > 0) {
  console.log('')
  console.log(
    'Baseline: ONE shared MSAL ConfidentialClientApplication, per-request authority (MSAL cache only):',
  )
  console.log('tenants    fill tok/s   hit µs/op p50   hit µs/op p99')
  const login = new URL(sim.loginUrl)
  const shared = new ConfidentialClientApplication({
    auth: {
      clientId: CLIENT_ID,
      clientSecret: SECRET,
      authority: `${login.origin}/organizations`,
      ...msalAuthorityOptions(login),
    },
  })
  const viaShared = (id: string) =>
    shared.acquireTokenByClientCredential({
      scopes: [GRAPH_DEFAULT_SCOPE],
      authority: `${login.origin}/${id}`,
    })
  let sharedFilled = 0
  for (const size of baselineSizes) {
    addTenants(size)
    const rate = await fill(viaShared, sharedFilled, size, 4)
    sharedFilled = size
    const hits = await measureHits(viaShared, size, 10)
    console.log(
      `${String(size).padEnd(10)} ${fmt(rate, 0).padStart(10)}   ${fmt(hits.p50).padStart(13)}   ${fmt(hits.p99).padStart(13)}`,
    )
  }
}

if (missCount > 0) {
  const login = new URL(sim.loginUrl)
  const config = {
    auth: {
      clientId: CLIENT_ID,
      clientSecret: SECRET,
      authority: `${login.origin}/organizations`,
      ...msalAuthorityOptions(login),
    },
  }
  const request = (id: string) => ({
    scopes: [GRAPH_DEFAULT_SCOPE],
    authority: `${login.origin}/${id}`,
    skipCache: true,
  })
  const shared = new ConfidentialClientApplication(config)
  const sharedEmptied = new ConfidentialClientApplication(config)
  const options: [string, (id: string) => Promise<unknown>][] = [
    [
      '(a) one client, cache emptied (the provider)',
      async (id) => {
        const emptied = sharedEmptied.acquireTokenByClientCredential(request(id))
        try {
          return await emptied
        } finally {
          sharedEmptied.clearCache()
        }
      },
    ],
    [
      '(b) new client per request',
      (id) => new ConfidentialClientApplication(config).acquireTokenByClientCredential(request(id)),
    ],
    ['(c) one client, cache left to grow', (id) => shared.acquireTokenByClientCredential(request(id))],
  ]
  console.log('')
  console.log(`Cache misses, ${String(missCount)} fresh tenants per option and round (concurrency 16):`)
  console.log('round  option                                          CPU µs/token   tokens/s')
  // Two rounds: the first also warms up the JIT; compare the second.
  for (const [round, name, get] of [1, 2].flatMap((r) => options.map(([n, g]) => [r, n, g] as const))) {
    const from = tenants.length
    addTenants(from + missCount)
    const cpu = process.cpuUsage()
    const rate = await fill(get, from, from + missCount)
    const used = process.cpuUsage(cpu)
    console.log(
      `${String(round).padEnd(6)} ${name.padEnd(47)} ${fmt((used.user + used.system) / missCount, 0).padStart(12)}   ${fmt(rate, 0).padStart(8)}`,
    )
  }
}

await sim.close()
