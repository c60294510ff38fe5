// One lookup of the tenant's directory audit log for the cross-tenant access changes in a window
// (docs/attribution.md): permissions first (a tenant without the audit-log consent is `not_enabled`, with
// no doomed 403), then the server-filtered, paged read at low priority, then core picks the entries.
import {
  CROSS_TENANT_ACCESS_CATEGORY,
  missingAttributionPermissions,
  selectAttributionEntries,
  type AttributionEntry,
  type AttributionSubjectKind,
  type DirectoryAuditRecord,
  type MissingPermission,
} from '@crosstrust/core'
import { isMicrosoftError, type GraphGateway, type RetryPolicy } from '@crosstrust/microsoft'
import { z } from 'zod'

export interface AttributionLookupDeps {
  graph: GraphGateway
  /** Our partner tenant (whose entry we own) and our app (whose writes are ours). */
  partnerTenantId: string
  appClientId: string
  graphRetry?: Partial<RetryPolicy>
}

export type LookupResult =
  | { kind: 'entries'; entries: AttributionEntry[] }
  | { kind: 'not_consented'; missing: MissingPermission[] }
  | { kind: 'failed'; message: string; retryable: boolean }

const text = z.string().nullish()
const recordSchema = z.looseObject({
  id: z.string(),
  category: z.string(),
  activityDisplayName: z.string(),
  activityDateTime: z.string(),
  result: text,
  initiatedBy: z
    .looseObject({
      user: z.looseObject({ id: text, userPrincipalName: text, displayName: text }).nullish(),
      app: z.looseObject({ appId: text, displayName: text, servicePrincipalId: text }).nullish(),
    })
    .default({}),
  targetResources: z
    .array(
      z.looseObject({
        id: text,
        type: text,
        modifiedProperties: z
          .array(z.looseObject({ displayName: text, oldValue: text, newValue: text }))
          .nullish()
          .transform((v) => v ?? []),
      }),
    )
    .nullish()
    .transform((v) => v ?? []),
})

/** Entries Graph returned in a shape we cannot read are skipped, not fatal: the others may explain it. */
function readable(raw: readonly Record<string, unknown>[]): DirectoryAuditRecord[] {
  return raw.flatMap((item) => {
    const parsed = recordSchema.safeParse(item)
    return parsed.success ? [parsed.data] : []
  })
}

export async function lookUpChanges(
  deps: AttributionLookupDeps,
  tenantId: string,
  window: { start: Date; end: Date },
  opts: { freshToken?: boolean; subject?: AttributionSubjectKind } = {},
): Promise<LookupResult> {
  try {
    const missing = missingAttributionPermissions(
      await deps.graph.grantedRoles(tenantId, { forceRefresh: opts.freshToken === true }),
    )
    if (missing.length > 0) return { kind: 'not_consented', missing }
    const { value } = await deps.graph.listDirectoryAudits(
      tenantId,
      { category: CROSS_TENANT_ACCESS_CATEGORY, from: window.start, to: window.end },
      { priority: 'low', ...(deps.graphRetry === undefined ? {} : { retry: deps.graphRetry }) },
    )
    return {
      kind: 'entries',
      entries: selectAttributionEntries(readable(value), {
        partnerTenantId: deps.partnerTenantId,
        ourAppId: deps.appClientId,
        kind: opts.subject ?? 'partner_entry',
      }),
    }
  } catch (err) {
    if (!isMicrosoftError(err)) throw err
    // A 403 after the role check: the grant was just removed (or has not replicated); the next lookup knows.
    return { kind: 'failed', message: err.message, retryable: err.kind !== 'configuration' }
  }
}
