import type { Config } from '@crosstrust/config'
import { createPrismaClient, type PrismaClient } from '@crosstrust/db'
import { JobQueues, createRedis } from '@crosstrust/jobs'
import type { Logger } from '@crosstrust/logger'
import type { Redis } from 'ioredis'
import type { ReadinessProbe } from './routes/health.ts'

export interface Infrastructure {
  prisma: PrismaClient
  redis: Redis
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
  const queues = new JobQueues(redis, config.QUEUE_PREFIX)
  return {
    prisma,
    redis,
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
      await prisma.$disconnect()
    },
  }
}
