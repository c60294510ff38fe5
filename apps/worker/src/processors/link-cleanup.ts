import { cleanUpConsentLinks, cleanUpStatusSignIns } from '@crosstrust/services'
import type { WorkerDeps } from '../deps.ts'
import type { Processor } from '../registry.ts'

const HOUR_MS = 3_600_000

/**
 * Enqueued by every sweep with the current hour in its payload: the deterministic id makes it one job per
 * hour, however often the sweep runs and however many workers there are.
 */
export async function enqueueLinkCleanup(deps: Pick<WorkerDeps, 'queues'>, now: Date): Promise<void> {
  const hour = new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS)
  await deps.queues.enqueue('link-cleanup', { hour: hour.toISOString() })
}

/**
 * The `link-cleanup` job: deletes unused consent links past CONSENT_LINK_RETENTION_DAYS (audited), and
 * status-page sign-ins and sessions that have expired.
 */
export function linkCleanupProcessor(deps: Pick<WorkerDeps, 'config' | 'db'>): Processor<'link-cleanup'> {
  return async (_payload, job) => {
    const now = new Date()
    const links = await cleanUpConsentLinks(deps.db, now, deps.config.CONSENT_LINK_RETENTION_DAYS)
    const status = await cleanUpStatusSignIns(deps.db, now)
    const result = { ...links, statusSignIns: status.signIns, statusSessions: status.sessions }
    job.logger.info(result, 'consent links and expired status-page sign-ins cleaned up')
    return result
  }
}
