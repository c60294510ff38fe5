// Drift attribution: who changed a customer's cross-tenant access settings, read from the tenant's
// directory audit log (docs/attribution.md). The `AttributionEntry` shape is stored in
// `drift_attributions.entries` and read by other features: change it only with a migration of the data.

/** One directory audit entry as Graph returns it (`directoryAudit`), reduced to what attribution reads. */
export interface DirectoryAuditRecord {
  id: string
  category: string
  activityDisplayName: string
  activityDateTime: string
  result?: string | null
  initiatedBy: {
    user?: { id?: string | null; userPrincipalName?: string | null; displayName?: string | null } | null
    app?: {
      appId?: string | null
      displayName?: string | null
      servicePrincipalId?: string | null
    } | null
  }
  targetResources: {
    id?: string | null
    type?: string | null
    modifiedProperties?: { displayName?: string | null; oldValue?: string | null; newValue?: string | null }[]
  }[]
}

/** Who initiated a change: a signed-in user, or an application (its service principal in the tenant). */
export interface AttributionActor {
  type: 'user' | 'app'
  userPrincipalName?: string
  displayName?: string
  appId?: string
  servicePrincipalId?: string
}

export interface AttributionProperty {
  name: string
  /** Graph's JSON-string values, as the audit entry holds them; null when absent. */
  oldValue: string | null
  newValue: string | null
}

/** One audit entry that explains a drift: stored in `drift_attributions.entries`. */
export interface AttributionEntry {
  auditId: string
  activity: string
  /** ISO 8601, as Graph returned it. */
  activityDateTime: string
  actor: AttributionActor
  /** Initiated by our own partner app (a repair or onboarding write), not by the customer. */
  ours: boolean
  modifiedProperties: AttributionProperty[]
}

export const ATTRIBUTION_STATUSES = ['pending', 'found', 'not_found', 'not_enabled', 'failed'] as const
export type AttributionStatus = (typeof ATTRIBUTION_STATUSES)[number]

/**
 * What a lookup explains: a drift of our partner entry (its activities and the default's, which the entry may
 * inherit), or a change of the default policy alone (only the default-policy activities).
 */
export const ATTRIBUTION_SUBJECTS = ['partner_entry', 'default_policy'] as const
export type AttributionSubjectKind = (typeof ATTRIBUTION_SUBJECTS)[number]
