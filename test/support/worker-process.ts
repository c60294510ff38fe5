// A real worker process against a test system, composed as in production from the system's configuration.
// One process, as in the container: the tsx CLI would run the worker as its child and relay signals, and when
// the busy child does not confirm its SIGTERM handler within the CLI's few milliseconds, the CLI exits 143 on
// its own.
import { spawn, type ChildProcess } from 'node:child_process'
import { APP_SECRET, type System } from './system.ts'

/** Starts `apps/worker/src/main.ts`; `env` adds to or overrides the system's settings (NODE_ENV is `test`). */
export function spawnWorkerProcess(
  sys: System,
  env: Record<string, string>,
  stdout: 'ignore' | 'pipe' = 'ignore',
): ChildProcess & { stderr: NonNullable<ChildProcess['stderr']> } {
  const c = sys.config
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/worker/src/main.ts'], {
    cwd: process.cwd(),
    env: {
      ...process.env, // NODE_EXTRA_CA_CERTS (set by the global setup): trust the simulator
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DATABASE_URL: sys.db.url,
      REDIS_URL: c.REDIS_URL,
      PUBLIC_BASE_URL: c.PUBLIC_BASE_URL,
      MS_LOGIN_URL: c.MS_LOGIN_URL,
      MS_GRAPH_URL: c.MS_GRAPH_URL,
      APP_CLIENT_ID: c.APP_CLIENT_ID,
      APP_CLIENT_SECRET: APP_SECRET,
      PARTNER_TENANT_ID: c.PARTNER_TENANT_ID,
      PARTNER_NAME: c.PARTNER_NAME,
      QUEUE_PREFIX: c.QUEUE_PREFIX,
      // Several processes on one host: no metrics listener to collide on.
      WORKER_METRICS_PORT: '0',
      ...env,
    },
    stdio: ['ignore', stdout, 'pipe'],
  })
  const { stderr } = child
  if (stderr === null) throw new Error('the worker process has no stderr pipe')
  return Object.assign(child, { stderr })
}
