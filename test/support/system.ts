// A whole Crosstrust under test: the Microsoft simulator, a fresh migrated database, the API listening on
// a real port and a worker consuming real BullMQ queues (own Redis prefix), all composed exactly as the
// production entry points compose them. Nothing that runs on the machine is mocked.
import { randomBytes } from 'node:crypto'
import { parseConfig, type Config } from '@crosstrust/config'
import { JobQueues, createRedis, JOB_KINDS } from '@crosstrust/jobs'
import { createLogger } from '@crosstrust/logger'
import {
  buildDemoSeed,
  DEMO_IDS,
  startSimulator,
  type RunningSimulator,
  type SimSeed,
} from '@crosstrust/ms-sim'
import { createTestDatabase, freePort, type TestDatabase } from '@crosstrust/testkit'
import { buildApp } from '../../apps/api/src/app.ts'
import { redisSessionRevocations } from '../../apps/api/src/auth/index.ts'
import { composeEdge, composeRoutes } from '../../apps/api/src/compose.ts'
import { createInfrastructure } from '../../apps/api/src/infrastructure.ts'
import { createMicrosoftClients } from '../../apps/worker/src/microsoft.ts'
import { buildRegistry, type WorkerDeps } from '../../apps/worker/src/processors.ts'
import { startWorkers, type WorkerSet } from '../../apps/worker/src/worker.ts'
import { startSweepScheduler } from '../../apps/worker/src/sweep.ts'
import { queueTuning } from '../../apps/worker/src/settings.ts'
import { createWorkerMetrics, instrumentRegistry, serveWorkerMetrics } from '../../apps/worker/src/metrics.ts'
import type { MetricsServer } from '@crosstrust/metrics'
import type { FastifyInstance } from 'fastify'

export const APP_SECRET = 'system-test-app-secret'
export const STAFF_SECRET = 'system-test-staff-secret'
export { DEMO_IDS }
export { freePort }

export interface SystemOptions {
  /** Adjust the simulator seed (tenants, licences, existing partner entries). */
  seed?: (seed: SimSeed) => void
  env?: Record<string, string>
  onboarding?: WorkerDeps['onboarding']
  /** Start without a worker (tests that drive jobs themselves). */
  worker?: boolean
  /** Webhook delivery overrides (short retry delays, timeouts). */
  notifications?: WorkerDeps['notifications']
  /** Monitoring overrides (backoff, read-back, lock, busy retry) for the in-process worker. */
  monitoring?: WorkerDeps['monitoring']
  /** Start the monitoring sweep's job scheduler with this interval (off unless given). */
  sweepIntervalMs?: number
  /** Where the system's JSON log lines go (tests that assert on logs; set env LOG_LEVEL too). */
  logDestination?: NodeJS.WritableStream
  /** Serve the worker's `/metrics` on a free port (`System.workerMetricsUrl`). */
  workerMetrics?: boolean
}

export interface System {
  sim: RunningSimulator
  db: TestDatabase
  config: Config
  app: FastifyInstance
  baseUrl: string
  queues: JobQueues
  worker: WorkerSet | undefined
  /** `http://127.0.0.1:<port>/metrics` of the in-process worker when `workerMetrics` was asked for. */
  workerMetricsUrl: string | undefined
  stop(): Promise<void>
}

export async function startSystem(options: SystemOptions = {}): Promise<System> {
  const port = await freePort()
  const baseUrl = `http://127.0.0.1:${port}`
  const seed = buildDemoSeed({
    appSecret: APP_SECRET,
    staffAppSecret: STAFF_SECRET,
    redirectUris: [
      `${baseUrl}/consent/callback`,
      `${baseUrl}/consent/signed-in`,
      `${baseUrl}/status/signed-in`,
    ],
    staffRedirectUris: [`${baseUrl}/auth/callback`],
  })
  options.seed?.(seed)
  const sim = await startSimulator({ seed })
  const db = await createTestDatabase()
  const prefix = `t${randomBytes(6).toString('hex')}`
  const config = parseConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_URL: db.url,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    PUBLIC_BASE_URL: baseUrl,
    MS_LOGIN_URL: sim.loginUrl,
    MS_GRAPH_URL: sim.graphUrl,
    APP_CLIENT_ID: DEMO_IDS.appClientId,
    APP_CLIENT_SECRET: APP_SECRET,
    PARTNER_TENANT_ID: DEMO_IDS.partnerTenantId,
    PARTNER_NAME: 'Truesec Detect AB',
    STAFF_CLIENT_ID: DEMO_IDS.staffAppClientId,
    STAFF_CLIENT_SECRET: STAFF_SECRET,
    SESSION_SECRET: randomBytes(32).toString('hex'),
    QUEUE_PREFIX: prefix,
    WORKER_CONCURRENCY: '8',
    ...options.env,
  })
  const logger = createLogger({
    name: 'system-test',
    level: config.LOG_LEVEL,
    ...(options.logDestination === undefined ? {} : { destination: options.logDestination }),
  })
  const infra = createInfrastructure(config, logger)
  const app = await buildApp({
    logger,
    probes: infra.probes,
    ...composeEdge(config, infra, logger),
    onClose: infra.close,
    auth: { config, revocations: redisSessionRevocations(infra.redis, config.QUEUE_PREFIX) },
    ...composeRoutes(config, infra, logger),
  })
  await app.listen({ host: '127.0.0.1', port })

  const connection = createRedis(config.REDIS_URL)
  const queues = new JobQueues(connection, prefix)
  let worker: WorkerSet | undefined
  let workerMetricsServer: MetricsServer | undefined
  if (options.worker !== false) {
    const workerMetrics = createWorkerMetrics()
    const { tokens, graph } = createMicrosoftClients(config, logger, workerMetrics.microsoft)
    if (options.workerMetrics === true) {
      workerMetricsServer = await serveWorkerMetrics(config, workerMetrics, logger, {
        host: '127.0.0.1',
        port: 0,
      })
    }
    worker = startWorkers({
      connection,
      prefix,
      logger,
      registry: instrumentRegistry(
        buildRegistry({
          config,
          db: db.prisma,
          queues,
          tokens,
          graph,
          logger,
          onboarding: {
            retryBaseDelayMs: 200,
            maxRetryDelayMs: 1_000,
            // Graph reads lag writes (the simulator's default readLagSeconds): read back for about 3 s.
            readBack: { attempts: 10, delayMs: 300 },
            ...options.onboarding,
          },
          ...(options.notifications === undefined ? {} : { notifications: options.notifications }),
          ...(options.monitoring === undefined ? {} : { monitoring: options.monitoring }),
          redis: connection,
        }),
        workerMetrics.jobs,
      ),
      tuning: queueTuning(config),
      shutdownGraceMs: 2_000,
    })
  }

  const sweepScheduler =
    options.sweepIntervalMs === undefined || options.worker === false
      ? undefined
      : await startSweepScheduler(queues, options.sweepIntervalMs, logger)

  return {
    sim,
    db,
    config,
    app,
    baseUrl,
    queues,
    worker,
    workerMetricsUrl:
      workerMetricsServer === undefined ? undefined : `http://127.0.0.1:${workerMetricsServer.port}/metrics`,
    async stop() {
      sweepScheduler?.stop()
      await workerMetricsServer?.close()
      await worker?.close()
      await app.close()
      for (const kind of JOB_KINDS) {
        await queues.queue(kind).obliterate({ force: true })
      }
      await queues.close()
      connection.disconnect()
      await sim.close()
      await db.drop()
    },
  }
}

/** Polls until `read` returns a truthy value or the timeout passes (then throws with the last value). */
export async function waitFor<T>(
  read: () => Promise<T>,
  what: string,
  timeoutMs = 30_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs
  let last: T | undefined
  while (Date.now() < deadline) {
    last = await read()
    if (last) return last
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)}`)
}
