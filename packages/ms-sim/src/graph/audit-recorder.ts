// Who made a change, as a directory audit entry names it, and recording entries with the tenant's
// ingestion delay. Graph writes are initiated by the calling app (or the signed-in user of a delegated
// token); control-API edits stand for a tenant's own administrator working in the portal.
import { createHash } from 'node:crypto'
import type { Json, SimState, Tenant } from '../state.ts'
import type { GraphCaller } from './auth.ts'
import { AUDIT_ACTIVITIES, buildAudit, diffProperties } from './directory-audit.ts'
import type { AuditInitiator } from './directory-audit.ts'

export const CROSS_TENANT_CATEGORY = 'CrossTenantAccessSettings'
export const IDENTITY_SYNC_CATEGORY = 'CrossTenantIdentitySyncSettings'

/** A GUID derived from a string, so a synthetic administrator keeps one id across requests. */
function stableGuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`
}

export function initiatorForCaller(state: SimState, caller: GraphCaller): AuditInitiator {
  if (caller.userId) {
    const u = caller.tenant.users.get(caller.userId.toLowerCase())
    return {
      user: {
        id: caller.userId,
        userPrincipalName: u?.userPrincipalName ?? '',
        displayName: u?.displayName ?? '',
      },
    }
  }
  const app = state.getApp(caller.appId)
  const sp = caller.tenant.servicePrincipals.get(caller.appId.toLowerCase())
  return {
    app: {
      appId: caller.appId,
      displayName: app?.displayName ?? caller.appId,
      servicePrincipalId: sp?.id ?? '',
    },
  }
}

/**
 * The tenant user behind a control-API edit: the one named by `actor` (object id or UPN), else the tenant's
 * first user, else a synthetic Global Administrator on the initial domain.
 */
export function initiatorForTenantUser(t: Tenant, actor: string | undefined): AuditInitiator | null {
  const users = [...t.users.values()]
  if (actor) {
    const a = actor.toLowerCase()
    const u = users.find((x) => x.id === a || x.userPrincipalName.toLowerCase() === a)
    return u
      ? { user: { id: u.id, userPrincipalName: u.userPrincipalName, displayName: u.displayName } }
      : null
  }
  const first = users[0]
  if (first)
    return {
      user: { id: first.id, userPrincipalName: first.userPrincipalName, displayName: first.displayName },
    }
  const domain = t.domains.find((d) => d.endsWith('.onmicrosoft.com')) ?? t.domains[0] ?? 'unknown'
  return {
    user: {
      id: stableGuid(`admin|${t.id}`),
      userPrincipalName: `admin@${domain}`,
      displayName: 'Global Administrator',
    },
  }
}

export function recordAudit(
  state: SimState,
  t: Tenant,
  e: {
    category: string
    activity: string
    operationType: 'Add' | 'Update' | 'Delete'
    initiatedBy: AuditInitiator
    targetId: string
    before: Json | null
    after: Json | null
  },
): void {
  // Entries of one tenant get distinct, increasing times (Graph's are sub-millisecond), so "newest first"
  // is the order they happened in even when two writes land in the same millisecond.
  const last = t.graph.directoryAudits.at(-1)?.activityMs ?? 0
  t.graph.directoryAudits.push(
    buildAudit({
      nowMs: Math.max(Date.now(), last + 1),
      category: e.category,
      activity: e.activity,
      operationType: e.operationType,
      initiatedBy: e.initiatedBy,
      target: { id: e.targetId, displayName: null, modifiedProperties: diffProperties(e.before, e.after) },
      delaySeconds: state.settingsFor(t).auditIngestionDelaySeconds,
    }),
  )
}

/** What is audited when a partner entry, or a partner's identity synchronization policy, changes. */
const CHANGE_AUDITS = {
  partner: {
    category: CROSS_TENANT_CATEGORY,
    added: AUDIT_ACTIVITIES.partnerAdded,
    updated: AUDIT_ACTIVITIES.partnerUpdated,
    deleted: AUDIT_ACTIVITIES.partnerDeleted,
  },
  identitySync: {
    category: IDENTITY_SYNC_CATEGORY,
    added: AUDIT_ACTIVITIES.identitySyncCreated,
    updated: AUDIT_ACTIVITIES.identitySyncUpdated,
    deleted: AUDIT_ACTIVITIES.identitySyncDeleted,
  },
} as const

/** A change of a partner's `kind` of setting: added, updated or deleted, as before and after say. */
export function recordPartnerChange(
  state: SimState,
  t: Tenant,
  kind: keyof typeof CHANGE_AUDITS,
  initiatedBy: AuditInitiator,
  partnerTenantId: string,
  before: Json | null,
  after: Json | null,
): void {
  const audit = CHANGE_AUDITS[kind]
  recordAudit(state, t, {
    category: audit.category,
    activity: !before ? audit.added : after ? audit.updated : audit.deleted,
    operationType: !before ? 'Add' : after ? 'Update' : 'Delete',
    initiatedBy,
    targetId: partnerTenantId,
    before,
    after,
  })
}
