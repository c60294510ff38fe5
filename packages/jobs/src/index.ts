export { jobDefinitions, jobIdFor, JOB_KINDS, type JobKind, type JobPayload } from './definitions.ts'
export { JobQueues, createRedis, type QueueSettings } from './queues.ts'
