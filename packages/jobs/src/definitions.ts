import { createHash } from 'node:crypto'
import { z } from 'zod'

/**
 * The queue contract shared by producers (api, scheduler) and consumers (worker).
 * One queue per job kind so concurrency and priorities can be tuned per kind.
 */
const customerJob = z.object({ customerId: z.uuid() })

/** Most due checks one `check-batch` job carries (the sweep cuts smaller ones; this bounds a payload). */
export const MAX_CHECK_BATCH = 500

export const jobDefinitions = {
  onboard: {
    queue: 'onboard',
    payload: customerJob.extend({
      consentReceivedAt: z.iso.datetime(),
      /** Set when an Operator confirmed a first-time tenant: the resumed run is a new job. */
      tenantConfirmedAt: z.iso.datetime().optional(),
    }),
  },
  check: {
    queue: 'check',
    payload: customerJob.extend({
      trigger: z.enum(['schedule', 'staff', 'rollout', 'system']),
      /** The due time the scheduler selected; part of the job id so a due check is enqueued once. */
      dueAt: z.iso.datetime(),
    }),
  },
  /**
   * Scheduled checks of many customers, run as one unit: claimed, read and written in bulk (the fleet's
   * routine work). `check` stays for single checks (staff, rollout, system).
   */
  'check-batch': {
    queue: 'check-batch',
    payload: z.object({
      checks: z
        .array(z.object({ customerId: z.uuid(), dueAt: z.iso.datetime() }))
        .min(1)
        .max(MAX_CHECK_BATCH),
    }),
  },
  apply: {
    queue: 'apply',
    payload: customerJob.extend({
      trigger: z.enum(['staff', 'rollout', 'system']),
      requestedAt: z.iso.datetime(),
    }),
  },
  offboard: {
    queue: 'offboard',
    payload: customerJob.extend({ requestedAt: z.iso.datetime(), actor: z.string().min(1) }),
  },
  notify: {
    queue: 'notify',
    payload: z.object({ deliveryId: z.uuid() }),
  },
  /**
   * Lookup number `lookup` (2 and on: the first runs with the check) of who made the drift a check run found,
   * in the tenant's directory audit log; enqueued with a delay, since audit entries arrive late.
   */
  'attribute-drift': {
    queue: 'attribute-drift',
    payload: z.object({ checkRunId: z.uuid(), lookup: z.number().int().min(2).max(50) }),
  },
  sweep: {
    queue: 'sweep',
    payload: z.object({}),
  },
  /** Sends one consent-link email or reminder (email_deliveries row); BullMQ retries a temporary failure. */
  email: {
    queue: 'email',
    payload: z.object({ deliveryId: z.uuid() }),
  },
  /** Deletes unused consent links expired or revoked past the retention period; once per hour at most. */
  'link-cleanup': {
    queue: 'link-cleanup',
    payload: z.object({ hour: z.iso.datetime() }),
  },
} as const

export type JobKind = keyof typeof jobDefinitions
export type JobPayload<K extends JobKind> = z.output<(typeof jobDefinitions)[K]['payload']>

export const JOB_KINDS = Object.keys(jobDefinitions) as JobKind[]

/**
 * Deterministic job ids make enqueueing idempotent: the same logical work enqueued twice (a retried
 * request, a sweep racing another sweep) collapses into one BullMQ job.
 */
export function jobIdFor<K extends JobKind>(kind: K, payload: JobPayload<K>): string {
  const p = payload as Record<string, unknown>
  switch (kind) {
    case 'onboard':
      return `onboard-${String(p.customerId)}-${Date.parse(String(p.consentReceivedAt))}${
        p.tenantConfirmedAt === undefined ? '' : `-${Date.parse(p.tenantConfirmedAt as string)}`
      }`
    case 'check':
      return `check-${String(p.customerId)}-${Date.parse(String(p.dueAt))}`
    case 'check-batch': {
      // The same due checks make the same id: a sweep that re-leases a lost batch re-creates it once.
      const checks = (p.checks as { customerId: string; dueAt: string }[])
        .map((c) => `${c.customerId}@${Date.parse(c.dueAt)}`)
        .sort()
      return `check-batch-${createHash('sha256').update(checks.join(',')).digest('hex').slice(0, 32)}`
    }
    case 'apply':
      return `apply-${String(p.customerId)}-${Date.parse(String(p.requestedAt))}`
    case 'offboard':
      return `offboard-${String(p.customerId)}`
    case 'notify':
      return `notify-${String(p.deliveryId)}`
    case 'attribute-drift':
      return `attribute-drift-${String(p.checkRunId)}-${String(p.lookup)}`
    case 'email':
      return `email-${String(p.deliveryId)}`
    case 'link-cleanup':
      return `link-cleanup-${Date.parse(String(p.hour))}`
    default:
      return `sweep-${Date.now()}`
  }
}
