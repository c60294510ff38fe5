// Shared setup of the monitoring system tests: one system (API, worker, queues, Postgres, simulator) per
// test file, with read-back and Graph retries tuned for classification tests.
import { afterAll, beforeAll } from 'vitest'
import type { ServiceContext } from '@crosstrust/services'
import { startSystem, type System } from './system.ts'
import type { Partner } from './monitoring.ts'

// The system of the running test file, and a service context on its database: set by
// useMonitoringSystem's hooks (ES live bindings), read by tests and hooks.
export let sys: System
export let ctx: ServiceContext

/** Starts the whole system once per test file, tuned to classify fast rather than retry long. */
export function useMonitoringSystem(): void {
  beforeAll(async () => {
    sys = await startSystem({
      monitoring: {
        readBack: { attempts: 10, delayMs: 300 },
        // Fail a 503/timeout read fast: the point is the classification, not the retry budget.
        graphRetry: { maxAttempts: 2, baseDelayMs: 20, maxDelayMs: 50, budgetMs: 2_000, timeoutMs: 700 },
        busyRetryMs: 300,
      },
    })
    ctx = { db: sys.db.prisma, now: () => new Date(), enqueue: (k, p) => sys.queues.enqueue(k, p) }
  })
  afterAll(async () => {
    await sys.stop()
  })
}

export const obj = (p: Partner, key: string) => p[key] as Record<string, unknown>

export type DriftKind = 'trust_flag' | 'blocked_access' | 'outbound_added' | 'entry_deleted'
export const DRIFTS: Record<DriftKind, ((p: Partner) => void) | null> = {
  trust_flag: (p) => {
    obj(p, 'inboundTrust').isMfaAccepted = false
  },
  blocked_access: (p) => {
    const inbound = obj(p, 'b2bCollaborationInbound')
    obj(inbound, 'usersAndGroups').accessType = 'blocked'
    obj(inbound, 'applications').accessType = 'blocked'
  },
  outbound_added: (p) => {
    p.b2bCollaborationOutbound = {
      usersAndGroups: { accessType: 'allowed', targets: [{ target: 'AllUsers', targetType: 'user' }] },
      applications: {
        accessType: 'allowed',
        targets: [{ target: 'AllApplications', targetType: 'application' }],
      },
    }
  },
  entry_deleted: null,
}
