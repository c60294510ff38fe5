import { CROSS_TENANT_ACCESS_CATEGORY, isDefaultPolicyActivity, isPartnerActivity } from './activities.ts'
import type {
  AttributionActor,
  AttributionEntry,
  AttributionSubjectKind,
  DirectoryAuditRecord,
} from './types.ts'

export interface AttributionSubject {
  /** The partner tenant whose entry in the customer's settings we own. */
  partnerTenantId: string
  /** Our partner app's client id: entries it initiated are ours (onboarding, repairs). */
  ourAppId: string
  /** What is explained; a partner-entry drift when absent. */
  kind?: AttributionSubjectKind
}

const text = (value: string | null | undefined): string | undefined =>
  value === null || value === undefined || value === '' ? undefined : value

function actorOf(record: DirectoryAuditRecord): AttributionActor {
  const user = record.initiatedBy.user
  const upn = text(user?.userPrincipalName)
  const userName = text(user?.displayName)
  if (upn !== undefined || userName !== undefined || text(user?.id) !== undefined) {
    return {
      type: 'user',
      ...(upn === undefined ? {} : { userPrincipalName: upn }),
      ...(userName === undefined ? {} : { displayName: userName }),
    }
  }
  const app = record.initiatedBy.app
  const appId = text(app?.appId)
  const appName = text(app?.displayName)
  const spId = text(app?.servicePrincipalId)
  return {
    type: 'app',
    ...(appId === undefined ? {} : { appId }),
    ...(appName === undefined ? {} : { displayName: appName }),
    ...(spId === undefined ? {} : { servicePrincipalId: spId }),
  }
}

/**
 * Does a partner activity concern our partner's entry? The target's id is the partner tenant id; an entry
 * without a target id is kept when one of its values names the partner (else it may be ours: kept too,
 * because dropping the one entry that explains a drift is worse than showing one more).
 */
function concernsPartner(record: DirectoryAuditRecord, partnerTenantId: string): boolean {
  const partner = partnerTenantId.toLowerCase()
  const ids = record.targetResources.map((t) => text(t.id)?.toLowerCase()).filter((id) => id !== undefined)
  if (ids.length === 0) return true
  if (ids.includes(partner)) return true
  return record.targetResources.some((t) =>
    (t.modifiedProperties ?? []).some(
      (p) =>
        (p.newValue ?? '').toLowerCase().includes(partner) ||
        (p.oldValue ?? '').toLowerCase().includes(partner),
    ),
  )
}

/**
 * The audit entries that can explain a drift of our partner entry or of the default policy it inherits
 * from: successful cross-tenant access activities on that partner or on the default, oldest first, each
 * marked `ours` when our own app initiated it. A change of the default policy alone is explained by the
 * default-policy activities only.
 */
export function selectAttributionEntries(
  records: readonly DirectoryAuditRecord[],
  subject: AttributionSubject,
): AttributionEntry[] {
  const ourApp = subject.ourAppId.toLowerCase()
  const partnerActivitiesCount = subject.kind !== 'default_policy'
  return records
    .filter((r) => r.category === CROSS_TENANT_ACCESS_CATEGORY)
    .filter((r) => r.result === undefined || r.result === null || r.result === 'success')
    .filter(
      (r) =>
        isDefaultPolicyActivity(r.activityDisplayName) ||
        (partnerActivitiesCount &&
          isPartnerActivity(r.activityDisplayName) &&
          concernsPartner(r, subject.partnerTenantId)),
    )
    .map((r): AttributionEntry => {
      const actor = actorOf(r)
      return {
        auditId: r.id,
        activity: r.activityDisplayName,
        activityDateTime: r.activityDateTime,
        actor,
        ours: actor.type === 'app' && actor.appId?.toLowerCase() === ourApp,
        modifiedProperties: r.targetResources.flatMap((t) =>
          (t.modifiedProperties ?? []).map((p) => ({
            name: p.displayName ?? '',
            oldValue: p.oldValue ?? null,
            newValue: p.newValue ?? null,
          })),
        ),
      }
    })
    .sort(
      (a, b) =>
        Date.parse(a.activityDateTime) - Date.parse(b.activityDateTime) || a.auditId.localeCompare(b.auditId),
    )
}
