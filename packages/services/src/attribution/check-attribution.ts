// Attribution as a step of a check that found drift (examine.ts): one lookup right away, so the drift
// notification can already say who did it when the audit entry has arrived; otherwise the row stays
// `pending` and the `attribute-drift` job looks again later (run-lookup.ts).
import {
  attributionWindow,
  decideLookup,
  type AttributionEntry,
  type AttributionStatus,
  type AttributionSubjectKind,
} from '@crosstrust/core'
import type { MonitoringDeps } from '../monitoring/settings.ts'
import { lookUpChanges, type LookupResult } from './look-up.ts'

/** One drift's attribution as a check or a later lookup leaves it (a `drift_attributions` row). */
export interface CheckAttribution {
  /** What it explains: a drift of our partner entry, or a change of the default policy alone. */
  subject: AttributionSubjectKind
  status: AttributionStatus
  window: { start: Date; end: Date }
  attempts: number
  entries: AttributionEntry[]
  errorMessage: string | null
  /** When the next lookup is due (pending only). */
  nextLookupAt: Date | null
}

/** A check's attribution as stored: whether a later finding follows up a notification the check sent. */
export type StoredCheckAttribution = CheckAttribution & { followUp: boolean }

export const NOT_ENABLED_MESSAGE =
  'Attribution is not enabled for this customer. Enable it on the customer page, then send a fresh consent link: the administrator grants AuditLog.Read.All and Directory.Read.All.'

export function notConsentedMessage(missing: readonly { permission: string }[]): string {
  return `Re-consent needed: ${missing.map((m) => m.permission).join(', ')}. Send a fresh consent link from the customer page; the administrator's consent grants them.`
}

/** The state after lookup number `attempts` answered `result`. */
export function afterLookup(
  subject: AttributionSubjectKind,
  result: LookupResult,
  attempts: number,
  window: { start: Date; end: Date },
  now: Date,
  retryDelaysSeconds: readonly number[],
): CheckAttribution {
  const base = {
    subject,
    window,
    attempts,
    entries: [] as AttributionEntry[],
    errorMessage: null,
    nextLookupAt: null,
  }
  if (result.kind === 'not_consented')
    return { ...base, status: 'not_enabled', errorMessage: notConsentedMessage(result.missing) }
  if (result.kind === 'failed') {
    const retryIn = result.retryable ? retryDelaysSeconds[attempts - 1] : undefined
    return retryIn === undefined
      ? { ...base, status: 'failed', errorMessage: result.message }
      : {
          ...base,
          status: 'pending',
          errorMessage: result.message,
          nextLookupAt: new Date(now.getTime() + retryIn * 1000),
        }
  }
  const decision = decideLookup(attempts, result.entries, retryDelaysSeconds)
  return {
    ...base,
    entries: result.entries,
    status: decision.status,
    nextLookupAt:
      decision.status === 'pending' ? new Date(now.getTime() + decision.retryInSeconds * 1000) : null,
  }
}

/**
 * The attribution of a change a check just found: `not_enabled` without the customer's switch (no Graph
 * call), else the first lookup. A partner-entry drift looks over the window since the last check (which
 * found the entry as agreed); a default-policy change over the window its decision gave (since the last
 * check that read the default), for the default-policy activities only.
 */
export async function attributeCheckChange(
  deps: MonitoringDeps,
  input: {
    customerId: string
    tenantId: string
    driftFoundAt: Date
    freshToken: boolean
    subject: AttributionSubjectKind
    window?: { start: Date; end: Date }
  },
): Promise<CheckAttribution> {
  const customer = await deps.ctx.db.customer.findUnique({
    where: { id: input.customerId },
    select: { attributionEnabled: true, lastCheckAt: true },
  })
  const window = input.window ?? attributionWindow(customer?.lastCheckAt ?? null, input.driftFoundAt)
  if (customer?.attributionEnabled !== true)
    return {
      subject: input.subject,
      status: 'not_enabled',
      window,
      attempts: 0,
      entries: [],
      errorMessage: NOT_ENABLED_MESSAGE,
      nextLookupAt: null,
    }
  const result = await lookUpChanges(
    {
      graph: deps.graph,
      partnerTenantId: deps.settings.partnerTenantId,
      appClientId: deps.settings.appClientId,
      ...(deps.settings.graphRetry === undefined ? {} : { graphRetry: deps.settings.graphRetry }),
    },
    input.tenantId,
    window,
    { freshToken: input.freshToken, subject: input.subject },
  )
  return afterLookup(
    input.subject,
    result,
    1,
    window,
    deps.ctx.now(),
    deps.settings.attributionRetryDelaysSeconds,
  )
}
