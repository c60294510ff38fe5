#!/usr/bin/env -S node --import tsx
// `pnpm sim`: runs the simulator standalone. Flags override env: --host (MS_SIM_HOST), --login-port
// (MS_SIM_LOGIN_PORT, default 44301), --graph-port (MS_SIM_GRAPH_PORT, default 44302), --seed <file.json>
// (MS_SIM_SEED, default: the demo seed), --ca-dir (MS_SIM_CA_DIR), --log (MS_SIM_LOG=1); request log size
// MS_SIM_REQUEST_LOG_CAP (default 200000); MS_SIM_PUBLIC_HOST names the host clients use (e.g. sim.localhost
// in docker compose) for URLs, issuers and the server certificate.
import { readFile, mkdir, writeFile, stat } from 'node:fs/promises'
import { join, dirname, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { startSimulator, buildDemoSeed, createClientCertificate, DEMO_IDS } from './index.ts'
import { defaultCaDir } from './certs.ts'
import type { SimSeed } from './index.ts'

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  )
}

/** The demo app's client certificate lives next to the CA so it survives restarts. */
async function demoCertificate(caDir: string): Promise<{ certPath: string; keyPath: string; pem: string }> {
  const dir = join(dirname(caDir), 'demo-app')
  const certPath = join(dir, 'cert.pem')
  const keyPath = join(dir, 'key.pem')
  if (!(await exists(certPath)) || !(await exists(keyPath))) {
    await mkdir(dir, { recursive: true })
    const c = await createClientCertificate('CN=Crosstrust demo app')
    await writeFile(keyPath, c.keyPem, { mode: 0o600 })
    await writeFile(certPath, c.certPem)
  }
  return { certPath, keyPath, pem: await readFile(certPath, 'utf8') }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    // pnpm forwards a literal `--` before the script's own flags.
    args: process.argv.slice(2).filter((a) => a !== '--'),
    options: {
      host: { type: 'string' },
      'login-port': { type: 'string' },
      'graph-port': { type: 'string' },
      seed: { type: 'string' },
      'ca-dir': { type: 'string' },
      log: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) {
    process.stdout.write(
      'usage: ms-sim [--host 127.0.0.1] [--login-port 44301] [--graph-port 44302] [--seed seed.json] [--ca-dir .sim/ca] [--log]\n',
    )
    return
  }
  const env = process.env
  const host = values.host ?? env.MS_SIM_HOST ?? '127.0.0.1'
  const loginPort = Number(values['login-port'] ?? env.MS_SIM_LOGIN_PORT ?? 44301)
  const graphPort = Number(values['graph-port'] ?? env.MS_SIM_GRAPH_PORT ?? 44302)
  // `pnpm sim` runs in the package folder; relative paths are meant from where the user typed the command.
  const cwd = env.INIT_CWD ?? process.cwd()
  const caDirArg = values['ca-dir'] ?? env.MS_SIM_CA_DIR
  const caDir = caDirArg ? resolve(cwd, caDirArg) : defaultCaDir()
  const seedArg = values.seed ?? env.MS_SIM_SEED
  const seedFile = seedArg ? resolve(cwd, seedArg) : undefined
  for (const [name, p] of [
    ['login-port', loginPort],
    ['graph-port', graphPort],
  ] as const) {
    if (!Number.isInteger(p) || p < 0 || p > 65535) throw new Error(`invalid --${name}: ${String(p)}`)
  }
  let seed: SimSeed
  let certInfo = ''
  if (seedFile) {
    seed = JSON.parse(await readFile(seedFile, 'utf8')) as SimSeed
  } else {
    const cert = await demoCertificate(caDir)
    seed = buildDemoSeed({ appCertificatePem: cert.pem })
    certInfo = `demo app ${DEMO_IDS.appClientId}: certificate ${cert.certPath}, key ${cert.keyPath}\n`
  }
  const requestLogCap = Number(env.MS_SIM_REQUEST_LOG_CAP ?? 200_000)
  const sim = await startSimulator({
    requestLogCap,
    host,
    loginPort,
    graphPort,
    caDir,
    seed,
    logRequests: values.log ?? env.MS_SIM_LOG === '1',
    publicHost: env.MS_SIM_PUBLIC_HOST,
  })
  process.stdout.write(
    `Microsoft simulator running\n` +
      `MS_LOGIN_URL=${sim.loginUrl}\n` +
      `MS_GRAPH_URL=${sim.graphUrl}\n` +
      `NODE_EXTRA_CA_CERTS=${sim.caCertPath}\n` +
      `tenants: ${[...sim.state.tenants.values()].map((t) => `${t.displayName} (${t.id})`).join(', ')}\n` +
      certInfo +
      `control API: ${sim.loginUrl}/_sim/tenants (also on the Graph origin)\n`,
  )
  let stopping = false
  const stop = (signal: string): void => {
    if (stopping) return
    stopping = true
    process.stdout.write(`\n${signal}: stopping simulator\n`)
    sim.close().then(
      () => process.exit(0),
      (e: unknown) => {
        process.stderr.write(`error while stopping: ${String(e)}\n`)
        process.exit(1)
      },
    )
  }
  process.on('SIGINT', () => {
    stop('SIGINT')
  })
  process.on('SIGTERM', () => {
    stop('SIGTERM')
  })
}

main().catch((e: unknown) => {
  process.stderr.write(`ms-sim: ${e instanceof Error ? e.message : String(e)}\n`)
  process.exit(1)
})
