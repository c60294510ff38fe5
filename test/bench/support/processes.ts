// Product processes exactly as production starts them: the bundle with the Dockerfile's Node flags
// (production-bundle.ts), the real configuration in the environment (and NODE_EXTRA_CA_CERTS so they trust
// the simulator's HTTPS).
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DEMO_IDS } from '@crosstrust/ms-sim'
export { freePort } from '@crosstrust/testkit'

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..')
export const APP_SECRET = 'bench-app-secret-not-for-production'
export const STAFF_SECRET = 'bench-staff-secret-not-for-production'

export interface ProductEnvInput {
  databaseUrl: string
  redisUrl: string
  queuePrefix: string
  loginUrl: string
  graphUrl: string
  publicBaseUrl: string
  trustBundle: string
  concurrency?: number
  port?: number
  extra?: Record<string, string>
}

export function productEnv(input: ProductEnvInput): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_EXTRA_CA_CERTS: input.trustBundle,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    DATABASE_URL: input.databaseUrl,
    REDIS_URL: input.redisUrl,
    PUBLIC_BASE_URL: input.publicBaseUrl,
    MS_LOGIN_URL: input.loginUrl,
    MS_GRAPH_URL: input.graphUrl,
    APP_CLIENT_ID: DEMO_IDS.appClientId,
    APP_CLIENT_SECRET: APP_SECRET,
    PARTNER_TENANT_ID: DEMO_IDS.partnerTenantId,
    PARTNER_NAME: 'Truesec Detect AB',
    STAFF_CLIENT_ID: DEMO_IDS.staffAppClientId,
    STAFF_CLIENT_SECRET: STAFF_SECRET,
    SESSION_SECRET: 'bench-session-secret-0123456789-abcdefghijklmnop',
    QUEUE_PREFIX: input.queuePrefix,
    HOST: '127.0.0.1',
    PORT: String(input.port ?? 0),
    WORKER_CONCURRENCY: String(input.concurrency ?? 20),
    ...input.extra,
  }
}

export interface ProductProcess {
  child: ChildProcess
  pid: number
  /** The last lines of stderr/stdout (warnings and errors; the processes log at warn). */
  tail(): string
  /** SIGTERM and wait (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<void>
  kill(): Promise<void>
}

export interface ProductLaunch {
  cwd: string
  entry: string
  nodeFlags: string[]
}

export function startProduct(
  name: string,
  app: ProductLaunch,
  env: NodeJS.ProcessEnv,
  extraNodeArgs: string[] = [],
): ProductProcess {
  const child = spawn(process.execPath, [...app.nodeFlags, ...extraNodeArgs, app.entry], {
    cwd: app.cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const lines: string[] = []
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (line.trim() === '') continue
      lines.push(line)
      if (lines.length > 40) lines.shift()
    }
  }
  child.stdout.on('data', keep)
  child.stderr.on('data', keep)
  if (child.pid === undefined) throw new Error(`${name} did not start`)
  const exited = once(child, 'exit')
  return {
    child,
    pid: child.pid,
    tail: () => lines.join('\n'),
    async stop(graceMs = 20_000) {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
      await exited
      clearTimeout(timer)
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGKILL')
      await exited
    },
  }
}

export async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  everyMs = 250,
) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check()) return
    await new Promise((r) => setTimeout(r, everyMs))
  }
  throw new Error(`timed out after ${String(timeoutMs)} ms waiting for ${what}`)
}
