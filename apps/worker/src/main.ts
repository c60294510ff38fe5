import { loadConfigOrExit } from '@crosstrust/config'
import { createPrismaClient } from '@crosstrust/db'
import { JobQueues, createRedis } from '@crosstrust/jobs'
import { createLogger } from '@crosstrust/logger'
import { createMicrosoftClients } from './microsoft.ts'
import { buildRegistry } from './processors.ts'
import { startWorkers } from './worker.ts'
import { monitoringSettings } from './monitoring.ts'
import { startSweepScheduler } from './sweep.ts'
import { createWorkerMetrics, instrumentRegistry, serveWorkerMetrics } from './metrics.ts'

const config = loadConfigOrExit()
const logger = createLogger({
  name: 'worker',
  level: config.LOG_LEVEL,
  pretty: config.NODE_ENV === 'development',
})
const db = createPrismaClient(config.DATABASE_URL, { poolSize: Math.min(config.WORKER_CONCURRENCY + 5, 50) })
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
  tuning: () => ({ concurrency: config.WORKER_CONCURRENCY }),
})
// The monitoring sweep: one BullMQ job scheduler shared by all worker processes (see sweep.ts).
const sweepScheduler = await startSweepScheduler(
  queues,
  monitoringSettings(registryDeps).sweepIntervalMs,
  logger,
)
const metricsServer = await serveWorkerMetrics(config, metrics, logger)

let stopping = false
async function shutdown(signal: string) {
  if (stopping) return
  stopping = true
  logger.info({ signal }, 'shutting down: letting active jobs finish')
  setTimeout(() => process.exit(1), 30_000).unref()
  sweepScheduler.stop()
  await metricsServer?.close()
  await workers.close()
  await queues.close()
  connection.disconnect()
  await db.$disconnect()
  logger.info('stopped')
  process.exit(0)
}
process.once('SIGTERM', () => void shutdown('SIGTERM'))
process.once('SIGINT', () => void shutdown('SIGINT'))
