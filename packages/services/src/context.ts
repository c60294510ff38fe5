import type { Db } from '@crosstrust/db'
import type { JobKind, JobPayload } from '@crosstrust/jobs'

/** Who did something: a staff member, the system (scheduler, worker), or a customer's administrator. */
export interface Actor {
  type: 'staff' | 'system' | 'customer_admin'
  id?: string
  name?: string
  requestId?: string
  ip?: string
}

export const SYSTEM_ACTOR: Actor = { type: 'system', id: 'system', name: 'Crosstrust' }

/**
 * Enqueueing is a port so services stay free of BullMQ; always called after the transaction commits.
 * `delayMs` runs the job no earlier than that (a lookup that must wait for late data).
 */
export type Enqueue = <K extends JobKind>(
  kind: K,
  payload: JobPayload<K>,
  options?: { delayMs?: number },
) => Promise<unknown>

export interface ServiceContext {
  db: Db
  now: () => Date
  enqueue: Enqueue
}
