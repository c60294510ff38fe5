import type { Db } from '@crosstrust/db'

// Status-page sign-ins (single-use OAuth state, minutes long) and sessions (30 minutes) are worthless once
// expired: an expired one is refused anyway. The hourly `link-cleanup` job deletes them so the tables hold
// only what can still be used. Nothing is audited: the sign-in itself is (status_page.* events), and these
// rows carry only hashes and the admin's identity for the session's lifetime.

export interface StatusCleanupResult {
  signIns: number
  sessions: number
}

/** Deletes status-page sign-ins and sessions that expired before `now`. */
export async function cleanUpStatusSignIns(db: Db, now: Date): Promise<StatusCleanupResult> {
  const signIns = await db.statusSignIn.deleteMany({ where: { expiresAt: { lt: now } } })
  const sessions = await db.statusSession.deleteMany({ where: { expiresAt: { lt: now } } })
  return { signIns: signIns.count, sessions: sessions.count }
}
