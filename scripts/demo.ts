// `pnpm demo`: the whole Crosstrust against the Microsoft simulator, on a freshly migrated database.
// Starts the simulator (embedded), then the API and the worker as their real entry points with a real
// configuration, seeds three demo customers and prints one consent link per customer. Ctrl-C stops all.
//
// Flags: --port <api port, default 3000>  --database <name, default crosstrust_demo>
//        --exit-when-ready (start, print, verify /readyz, then stop: used by the test suite)
import { spawn, type ChildProcess } from 'node:child_process'
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import pg from 'pg'
import {
  buildDemoSeed,
  DEMO_IDS,
  TRUST_DEMO_TENANTS,
  buildTrustDemoTenants,
  simulatorTrustBundle,
  startSimulator,
} from '../packages/ms-sim/src/index.ts'
import { createPrismaClient } from '../packages/db/src/index.ts'
import { createCustomer, issueConsentLink, type ServiceContext } from '../packages/services/src/index.ts'
import { resolveTenant } from '../packages/microsoft/src/index.ts'
import { startDemoMailbox } from './demo-mailbox.ts'

// Node reads NODE_EXTRA_CA_CERTS only at start: make this process (and its children) trust the simulator's
// CA by re-running itself once with the trust bundle in the environment.
const trustBundle = await simulatorTrustBundle()
if (process.env.NODE_EXTRA_CA_CERTS !== trustBundle) {
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, NODE_EXTRA_CA_CERTS: trustBundle },
  })
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal))
  child.on('exit', (code) => process.exit(code ?? 1))
  await new Promise(() => undefined)
}

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    port: { type: 'string', default: process.env.PORT ?? '3000' },
    database: { type: 'string', default: 'crosstrust_demo' },
    'exit-when-ready': { type: 'boolean', default: false },
  },
})
const port = Number(values.port)
const dbName = values.database
if (!/^[a-z0-9_]{1,63}$/.test(dbName)) throw new Error('--database must be [a-z0-9_]')
// The admin only creates roles and the database. As in production, migrations run as the owner role
// (MIGRATION_DATABASE_URL) and the API and worker connect as a login role of crosstrust_app (DATABASE_URL),
// which cannot alter tables or rewrite the audit trail (packages/db/README.md, "Database roles").
const adminUrl = process.env.DEMO_DATABASE_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres'
const OWNER_ROLE = 'crosstrust_demo_owner'
const APP_ROLE = 'crosstrust_demo_app'
function roleUrl(role: string): string {
  return Object.assign(new URL(adminUrl), { pathname: `/${dbName}`, username: role, password: '' }).toString()
}
const migrationUrl = roleUrl(OWNER_ROLE)
const databaseUrl = roleUrl(APP_ROLE)
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const baseUrl = `http://127.0.0.1:${port}`
const appSecret = randomBytes(24).toString('base64url')
const staffSecret = randomBytes(24).toString('base64url')
const say = (line: string) => process.stdout.write(`${line}\n`)

// The evidence packs' signing key (docs/evidence.md): generated once per demo database and kept under .sim/
// (git-ignored), so packs exported in an earlier demo run still verify with the same public key.
const evidenceKeyDir = path.resolve('.sim', `evidence-${dbName}`)
const evidenceKeyFile = path.join(evidenceKeyDir, 'evidence-signing.pem')
const evidencePublicKeyFile = path.join(evidenceKeyDir, 'evidence-signing.pub.pem')
if (!existsSync(evidenceKeyFile)) {
  mkdirSync(evidenceKeyDir, { recursive: true, mode: 0o700 })
  const pair = generateKeyPairSync('ed25519')
  writeFileSync(evidenceKeyFile, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 })
  writeFileSync(evidencePublicKeyFile, pair.publicKey.export({ type: 'spki', format: 'pem' }))
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'], env })
    child.on('exit', (code) => {
      if (code === 0) resolve()
      else reject(new Error(`${cmd} ${args.join(' ')} exited ${String(code)}`))
    })
  })
}

say(`› fresh database ${dbName}`)
const admin = new pg.Client({ connectionString: adminUrl })
await admin.connect()
await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`)
// Roles are server-wide and may be created concurrently by another demo or test run: losing the race
// (duplicate_object, or unique_violation when both passed the catalog check) means the role exists.
for (const statement of [
  'CREATE ROLE crosstrust_app NOLOGIN',
  `CREATE ROLE ${OWNER_ROLE} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE`,
  `CREATE ROLE ${APP_ROLE} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE IN ROLE crosstrust_app`,
]) {
  await admin.query(
    `DO $$ BEGIN ${statement}; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`,
  )
}
await admin.query(`CREATE DATABASE "${dbName}" OWNER ${OWNER_ROLE}`)
await admin.end()
await run('pnpm', ['--silent', '--filter', '@crosstrust/db', 'run', 'db:deploy'], {
  ...process.env,
  MIGRATION_DATABASE_URL: migrationUrl,
})

say('› starting the Microsoft simulator')
const demoSeed = buildDemoSeed({
  appSecret,
  staffAppSecret: staffSecret,
  redirectUris: [
    `${baseUrl}/consent/callback`,
    `${baseUrl}/consent/signed-in`,
    `${baseUrl}/status/signed-in`,
    `http://localhost:${port}/consent/callback`,
    `http://localhost:${port}/consent/signed-in`,
    `http://localhost:${port}/status/signed-in`,
  ],
  staffRedirectUris: [`${baseUrl}/auth/callback`, `http://localhost:${port}/auth/callback`],
})
// Tenants that show each effective-trust verdict (docs/effective-trust.md), already onboarded.
const demoApp = demoSeed.apps?.find((a) => a.clientId.toLowerCase() === DEMO_IDS.appClientId.toLowerCase())
demoSeed.tenants = [
  ...(demoSeed.tenants ?? []),
  ...buildTrustDemoTenants({
    partnerTenantId: DEMO_IDS.partnerTenantId,
    appClientId: DEMO_IDS.appClientId,
    graphRoles: demoApp?.requiredGraphRoles ?? [],
  }),
]
const sim = await startSimulator({ seed: demoSeed })
// Consent-link emails go to a local SMTP catcher that writes each one to a file.
const mailbox = await startDemoMailbox(`.artifacts/demo-mail/${dbName}`)

const env: NodeJS.ProcessEnv = {
  ...process.env,
  NODE_ENV: 'development',
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  DATABASE_URL: databaseUrl,
  REDIS_URL: redisUrl,
  PUBLIC_BASE_URL: baseUrl,
  HOST: '127.0.0.1',
  PORT: String(port),
  MS_LOGIN_URL: sim.loginUrl,
  MS_GRAPH_URL: sim.graphUrl,
  NODE_EXTRA_CA_CERTS: trustBundle,
  APP_CLIENT_ID: DEMO_IDS.appClientId,
  APP_CLIENT_SECRET: appSecret,
  PARTNER_TENANT_ID: DEMO_IDS.partnerTenantId,
  PARTNER_NAME: 'Truesec Detect AB',
  STAFF_CLIENT_ID: DEMO_IDS.staffAppClientId,
  STAFF_CLIENT_SECRET: staffSecret,
  SESSION_SECRET: randomBytes(32).toString('hex'),
  EVIDENCE_SIGNING_KEY_FILE: evidenceKeyFile,
  QUEUE_PREFIX: `demo_${dbName}`,
  CONSENT_RETRY_WINDOW_SECONDS: '120',
  SMTP_URL: mailbox.url,
  MAIL_FROM: 'Truesec Detect AB <onboarding@crosstrust.example>',
  MAIL_REPLY_TO: 'soc@truesec.example',
  // Worker metrics listener off unless asked for: the demo must not collide with a worker already running.
  WORKER_METRICS_PORT: process.env.WORKER_METRICS_PORT ?? '0',
}

const children: ChildProcess[] = []
function startService(name: string, entry: string): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env,
  })
  child.on('exit', (code, signal) => {
    if (!stopping) {
      process.stderr.write(`${name} exited (${code ?? signal}); stopping the demo\n`)
      void stop(1)
    }
  })
  children.push(child)
  return child
}

let stopping = false
async function stop(code: number): Promise<never> {
  stopping = true
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null) {
            resolve()
            return
          }
          c.once('exit', () => {
            resolve()
          })
          c.kill('SIGTERM')
        }),
    ),
  )
  await sim.close()
  await mailbox.close()
  process.exit(code)
}
// Never leave the API or the worker running without the demo: whatever ends this process ends them.
process.on('exit', () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM')
})
process.on('uncaughtException', (err) => {
  process.stderr.write(`${err.stack ?? err.message}\n`)
  void stop(1)
})
process.once('SIGINT', () => void stop(0))
process.once('SIGTERM', () => void stop(0))

say('› starting the API and the worker')
startService('api', 'apps/api/src/server.ts')
startService('worker', 'apps/worker/src/main.ts')

const deadline = Date.now() + 60_000
for (;;) {
  const ready = await fetch(`${baseUrl}/readyz`).then(
    (r) => r.status === 200,
    () => false,
  )
  if (ready) break
  if (Date.now() > deadline) {
    process.stderr.write('the API did not become ready within 60 s\n')
    await stop(1)
  }
  await new Promise((r) => setTimeout(r, 250))
}

// Demo customers, created as staff would (the service the API uses), each with a fresh consent link.
const db = createPrismaClient(databaseUrl, { poolSize: 2 })
const ctx: ServiceContext = { db, now: () => new Date(), enqueue: () => Promise.resolve() }
const actor = { type: 'system' as const, id: 'demo', name: 'Demo setup' }
const customers = [
  {
    name: 'Contoso Manufacturing AB',
    tenant: 'contoso-manufacturing.se',
    note: 'Entra ID P2: the happy path',
    contact: 'it-admin@contoso-manufacturing.se',
  },
  {
    name: 'Fabrikam Retail',
    tenant: DEMO_IDS.customers.fabrikam,
    note: 'no Entra ID P1: onboards with a licence warning',
    contact: 'it@fabrikam.example',
  },
  {
    name: 'Northwind Traders',
    tenant: undefined,
    note: 'its admin will cancel: press Cancel to see the failure and "Try again"',
    contact: 'admin@northwind.example',
  },
]
say('')
for (const c of customers) {
  const customer = await createCustomer(
    ctx,
    (t) => resolveTenant(sim.loginUrl, t),
    {
      name: c.name,
      tenant: c.tenant,
      notes: c.note,
      contacts: [{ name: 'IT Administrator', email: c.contact, role: 'Global Administrator' }],
    },
    actor,
  )
  const link = await issueConsentLink(ctx, { publicBaseUrl: baseUrl, ttlDays: 14 }, customer.id, actor)
  say(`Consent link (${c.name}): ${link.url}`)
}
say(
  `Evidence packs are signed; verify one with: crosstrust evidence verify <pack> --public-key ${evidencePublicKeyFile}`,
)
// The trust demo customers consented long ago and carry the applied partner entry: recorded as onboarded
// and due now, so the first sweep checks them and the dashboard's "Trust effective" column fills in.
say('')
for (const t of TRUST_DEMO_TENANTS) {
  await db.customer.create({
    data: {
      name: t.name,
      tenantId: t.id,
      expectedTenantId: t.id,
      tenantDisplayName: t.name,
      verifiedDomains: [t.domain],
      licence: t.key === 'noP1' ? 'none' : 'p2',
      onboardingState: 'onboarded',
      complianceState: 'pending',
      nextCheckAt: new Date(),
      notes: `Trust demo: expect "${t.expected.replace('_', ' ')}" after the first check.`,
    },
  })
  say(`Trust demo (${t.name}): expect ${t.expected.replace('_', ' ')}`)
}
await db.$disconnect()
say('')
say(`Dashboard:  ${baseUrl}/   (sign in through the simulator as Oskar Operator, Alva Admin or Vera Viewer)`)
say(`API docs:   ${baseUrl}/docs`)
say(`Mail:       consent-link emails (customer page → "Send by email") are written to ${mailbox.dir}/*.eml`)
say(
  `Simulator:  ${sim.loginUrl} (identity), ${sim.graphUrl} (Graph), control API ${sim.loginUrl}/_sim/tenants`,
)
say('Press Ctrl-C to stop.')

if (values['exit-when-ready']) await stop(0)
