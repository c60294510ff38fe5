export {
  MAX_CHECK_BATCH,
  jobDefinitions,
  jobIdFor,
  JOB_KINDS,
  type JobKind,
  type JobPayload,
} from './definitions.ts'
export { JobQueues, createRedis, type QueueSettings } from './queues.ts'
export { JOB_BACKOFF, jobRetryDelayMs } from './backoff.ts'
