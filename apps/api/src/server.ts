import { loadConfigOrExit } from '@crosstrust/config'
import { createLogger } from '@crosstrust/logger'
import { buildApp } from './app.ts'
import { composeEdge, composeRoutes } from './compose.ts'
import { createInfrastructure } from './infrastructure.ts'
import { redisSessionRevocations } from './auth/index.ts'

const config = loadConfigOrExit()
const logger = createLogger({
  name: 'api',
  level: config.LOG_LEVEL,
  pretty: config.NODE_ENV === 'development',
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

let shuttingDown = false
async function shutdown(signal: string) {
  if (shuttingDown) return
  shuttingDown = true
  logger.info({ signal }, 'shutting down: finishing in-flight requests')
  // A hung close must not keep the process alive forever.
  setTimeout(() => process.exit(1), 15_000).unref()
  await app.close()
  logger.info('stopped')
  process.exit(0)
}
process.once('SIGTERM', () => void shutdown('SIGTERM'))
process.once('SIGINT', () => void shutdown('SIGINT'))

await app.listen({ host: config.HOST, port: config.PORT })
