import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq'
import { Redis, type RedisOptions } from 'ioredis'
import { JOB_BACKOFF } from './backoff.ts'
import { jobDefinitions, jobIdFor, type JobKind, type JobPayload } from './definitions.ts'

export interface QueueSettings {
  redisUrl: string
  prefix: string
}

/** Workers need `maxRetriesPerRequest: null` (blocking commands); producers use the same settings for simplicity. */
export function createRedis(url: string, extra: RedisOptions = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, ...extra })
}

const defaultJobOptions: JobsOptions = {
  attempts: 5,
  // Every worker registers the strategy (jobRetryDelayMs): exponential, never sooner than a Retry-After.
  backoff: { ...JOB_BACKOFF },
  removeOnComplete: { age: 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
}

export class JobQueues {
  private readonly queues = new Map<JobKind, Queue>()

  constructor(
    private readonly connection: ConnectionOptions,
    private readonly prefix: string,
  ) {}

  queue(kind: JobKind): Queue {
    let q = this.queues.get(kind)
    if (!q) {
      q = new Queue(jobDefinitions[kind].queue, {
        connection: this.connection,
        prefix: this.prefix,
        defaultJobOptions,
      })
      this.queues.set(kind, q)
    }
    return q
  }

  /** Validates the payload against the shared contract, then adds it with its deterministic id. */
  async enqueue<K extends JobKind>(kind: K, payload: JobPayload<K>, opts: JobsOptions = {}): Promise<string> {
    const parsed = jobDefinitions[kind].payload.parse(payload) as JobPayload<K>
    const jobId = opts.jobId ?? jobIdFor(kind, parsed)
    await this.queue(kind).add(kind, parsed, { ...opts, jobId })
    return jobId
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()))
    this.queues.clear()
  }
}
