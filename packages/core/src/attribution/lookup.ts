import type { MissingPermission } from '../effective-trust/types.ts'
import type { AttributionEntry } from './types.ts'

/**
 * The Graph application permissions reading the directory audit log needs. Microsoft Learn's "List
 * directoryAudits" names both as the least privileged application permissions ("AuditLog.Read.All and
 * Directory.Read.All"): https://learn.microsoft.com/graph/api/directoryaudit-list?view=graph-rest-1.0
 */
export const ATTRIBUTION_PERMISSIONS: readonly (MissingPermission & { satisfiedBy: readonly string[] })[] = [
  {
    permission: 'AuditLog.Read.All',
    satisfiedBy: ['AuditLog.Read.All'],
    why: 'to read your directory audit log, so Crosstrust can tell who changed the cross-tenant access settings when they drift.',
  },
  {
    permission: 'Directory.Read.All',
    satisfiedBy: ['Directory.Read.All', 'Directory.ReadWrite.All'],
    why: 'which Microsoft requires together with AuditLog.Read.All to read the directory audit log.',
  },
]

/** The audit-log permissions a token's `roles` lack. */
export function missingAttributionPermissions(roles: readonly string[]): MissingPermission[] {
  return ATTRIBUTION_PERMISSIONS.filter((p) => !p.satisfiedBy.some((r) => roles.includes(r))).map(
    ({ permission, why }) => ({ permission, why }),
  )
}

/**
 * Audit entries reach Graph late (95 % within 2 minutes, 99 % within 5: Microsoft Learn, "Microsoft Entra
 * data retention and latency", https://learn.microsoft.com/entra/identity/monitoring-health/reference-log-latency).
 * The first lookup runs with the check; then these waits, after which the lookup gives up (`not_found`).
 * Deployments may choose other waits (the worker's monitoring settings).
 */
export const ATTRIBUTION_RETRY_DELAYS_SECONDS: readonly number[] = [120, 300, 900, 3600]

/** Lookups of one drift in all: the one with the check and one per retry delay. */
export const ATTRIBUTION_MAX_LOOKUPS = 1 + ATTRIBUTION_RETRY_DELAYS_SECONDS.length

/**
 * Directory audit entries are kept 30 days by default, so a window never reaches further (Microsoft Learn:
 * https://learn.microsoft.com/entra/identity/conditional-access/troubleshoot-policy-changes-audit-log).
 */
const MAX_WINDOW_MS = 30 * 24 * 3600_000
/** Margin before the last compliant check, for the clocks of the audit log and ours. */
const WINDOW_MARGIN_MS = 5 * 60_000

/**
 * The period in which the change happened: since the last check that found the entry as agreed (minus a
 * margin), until the check that found the drift. At most 30 days back.
 */
export function attributionWindow(
  lastCompliantCheckAt: Date | null,
  driftFoundAt: Date,
): { start: Date; end: Date } {
  const earliest = driftFoundAt.getTime() - MAX_WINDOW_MS
  const start =
    lastCompliantCheckAt === null
      ? earliest
      : Math.max(earliest, lastCompliantCheckAt.getTime() - WINDOW_MARGIN_MS)
  return { start: new Date(start), end: driftFoundAt }
}

export type LookupDecision =
  { status: 'found' } | { status: 'pending'; retryInSeconds: number } | { status: 'not_found' }

/**
 * After lookup number `lookups` (1 = the one with the check): found when a change that is not ours is in
 * the window; our own writes alone explain a drift only when the last lookup still finds nothing else
 * (the customer's entry may simply not have arrived yet). Lookup n+1 waits `retryDelaysSeconds[n-1]`.
 */
export function decideLookup(
  lookups: number,
  entries: readonly AttributionEntry[],
  retryDelaysSeconds: readonly number[] = ATTRIBUTION_RETRY_DELAYS_SECONDS,
): LookupDecision {
  if (entries.some((e) => !e.ours)) return { status: 'found' }
  const retryInSeconds = retryDelaysSeconds[lookups - 1]
  if (retryInSeconds !== undefined) return { status: 'pending', retryInSeconds }
  return entries.length > 0 ? { status: 'found' } : { status: 'not_found' }
}
