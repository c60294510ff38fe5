import { loadConfigOrExit } from '@crosstrust/config'
import { createPrismaClient } from '@crosstrust/db'
import { JobQueues, createRedis } from '@crosstrust/jobs'
import { createLogger } from '@crosstrust/logger'
import { createMicrosoftClients } from './microsoft.ts'
import { buildRegistry } from './processors.ts'
import { startWorkers } from './worker.ts'
import { monitoringSettings, queueTuning } from './settings.ts'
import { startSweepScheduler } from './sweep.ts'
import { createWorkerMetrics, instrumentRegistry, serveWorkerMetrics } from './metrics.ts'

/** Connections beyond WORKER_CONCURRENCY: headroom for jobs of the other queues and the sweep's queries. */
const DB_POOL_HEADROOM = 5
/** Never more connections than this per worker process, whatever WORKER_CONCURRENCY says. */
const DB_POOL_MAX = 50
/** A shutdown that has not finished by then (a hung connection) exits with code 1 instead of hanging. */
const SHUTDOWN_DEADLINE_MS = 30_000

const config = loadConfigOrExit()
const logger = createLogger({
  name: 'worker',
  level: config.LOG_LEVEL,
  pretty: config.NODE_ENV === 'development',
})
const db = createPrismaClient(config.DATABASE_URL, {
  poolSize: Math.min(config.WORKER_CONCURRENCY + DB_POOL_HEADROOM, DB_POOL_MAX),
})
const connection = createRedis(config.REDIS_URL)
const queues = new JobQueues(connection, config.QUEUE_PREFIX)
const metrics = createWorkerMetrics()
const { tokens, graph } = createMicrosoftClients(config, logger, metrics.microsoft)

const registryDeps = { config, db, queues, tokens, graph, logger, redis: connection }
const workers = startWorkers({
  connection,
  prefix: config.QUEUE_PREFIX,
  registry: instrumentRegistry(buildRegistry(registryDeps), metrics.jobs),
  logger,
  tuning: queueTuning(config),
})
// The monitoring sweep: one BullMQ job scheduler shared by all worker processes (see sweep.ts).
const sweepStarting = startSweepScheduler(queues, monitoringSettings(registryDeps).sweepIntervalMs, logger)
const metricsStarting = serveWorkerMetrics(config, metrics, logger)

let stopping = false
async function shutdown(signal: string) {
  if (stopping) return
  stopping = true
  logger.info({ signal }, 'shutting down: letting active jobs finish')
  setTimeout(() => process.exit(1), SHUTDOWN_DEADLINE_MS).unref()
  // A signal during start-up still waits for what is starting, so it can be stopped in order; what failed to
  // start has nothing to stop (its error ends the process through the start-up await below).
  const [sweep, metricsListener] = await Promise.allSettled([sweepStarting, metricsStarting])
  if (sweep.status === 'fulfilled') sweep.value.stop()
  if (metricsListener.status === 'fulfilled') await metricsListener.value?.close()
  await workers.close()
  await queues.close()
  connection.disconnect()
  await db.$disconnect()
  logger.info('stopped')
  process.exit(0)
}
// Installed before anything is awaited: the workers take jobs from the moment they exist, and a SIGTERM
// that arrived before the handler would kill the process mid-check (Node's default action, exit 143).
process.once('SIGTERM', () => void shutdown('SIGTERM'))
process.once('SIGINT', () => void shutdown('SIGINT'))
await Promise.all([sweepStarting, metricsStarting])
