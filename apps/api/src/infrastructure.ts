import type { Config } from '@crosstrust/config'
import { createPrismaClient, type PrismaClient } from '@crosstrust/db'
import { JobQueues, createRedis } from '@crosstrust/jobs'
import type { Logger } from '@crosstrust/logger'
import type { Redis } from 'ioredis'
import type { ReadinessProbe } from './routes/health.ts'

export interface Infrastructure {
  prisma: PrismaClient
  redis: Redis
  /** The rate limits' own connection: it fails fast instead of queueing commands while Redis is away. */
  rateLimitRedis: Redis
  queues: JobQueues
  probes: ReadinessProbe[]
  close: () => Promise<void>
}

/** Connections the API holds for its lifetime; the app closes them on shutdown. */
export function createInfrastructure(config: Config, logger: Logger): Infrastructure {
  const prisma = createPrismaClient(config.DATABASE_URL)
  const redis = createRedis(config.REDIS_URL, { lazyConnect: false })
  redis.on('error', (err: Error) => {
    logger.warn({ err: { message: err.message } }, 'redis connection error')
  })
  // The shared connection queues commands until Redis is back (BullMQ needs that); a rate limit check
  // must not wait for that, so it gets a connection that answers "unavailable" at once.
  const rateLimitRedis = createRedis(config.REDIS_URL, {
    lazyConnect: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
  })
  rateLimitRedis.on('error', (err: Error) => {
    logger.warn({ err: { message: err.message } }, 'rate limit redis connection error')
  })
  const queues = new JobQueues(redis, config.QUEUE_PREFIX)
  return {
    prisma,
    redis,
    rateLimitRedis,
    queues,
    probes: [
      {
        name: 'postgres',
        check: async () => {
          await prisma.$queryRaw`SELECT 1`
        },
      },
      {
        name: 'redis',
        check: async () => {
          if (redis.status !== 'ready') throw new Error(`redis ${redis.status}`)
          await redis.ping()
        },
      },
    ],
    close: async () => {
      await queues.close()
      redis.disconnect()
      rateLimitRedis.disconnect()
      await prisma.$disconnect()
    },
  }
}
