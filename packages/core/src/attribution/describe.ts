import { DEFAULT_POLICY_ACTIVITIES, PARTNER_ACTIVITIES } from './activities.ts'
import type { AttributionActor, AttributionEntry, AttributionProperty } from './types.ts'

// Plain sentences for staff and notifications: "Inbound trust for MFA was turned off by anna@contoso.com
// at 14:02 UTC". Built from the audit entry's modifiedProperties (JSON strings of the whole property).

/** Setting names in the admin center's words, by Graph property path (longest match wins). */
const SETTING_NAMES: [string, string][] = [
  ['inboundTrust.isMfaAccepted', 'Inbound trust for MFA'],
  ['inboundTrust.isCompliantDeviceAccepted', 'Inbound trust for compliant devices'],
  ['inboundTrust.isHybridAzureADJoinedDeviceAccepted', 'Inbound trust for hybrid joined devices'],
  ['inboundTrust', 'Inbound trust'],
  ['automaticUserConsentSettings.inboundAllowed', 'Automatic redemption of invitations'],
  ['automaticUserConsentSettings', 'Automatic redemption'],
  ['b2bCollaborationInbound', 'Inbound B2B collaboration'],
  ['b2bCollaborationOutbound', 'Outbound B2B collaboration'],
  ['b2bDirectConnectInbound', 'Inbound B2B direct connect'],
  ['b2bDirectConnectOutbound', 'Outbound B2B direct connect'],
  ['tenantRestrictions', 'Tenant restrictions'],
]

/**
 * Properties an audit entry may list that are bookkeeping, not settings: `isServiceDefault` only says the
 * default was edited at all (Graph: "If true, the default configuration is set to the system default
 * configuration", https://learn.microsoft.com/graph/api/resources/crosstenantaccesspolicyconfigurationdefault?view=graph-rest-1.0).
 */
const NOT_SETTINGS: ReadonlySet<string> = new Set(['isServiceDefault', 'id', 'displayName'])

function settingName(path: string): string {
  for (const [prefix, name] of SETTING_NAMES) {
    if (path === prefix || path.startsWith(`${prefix}.`)) return name
  }
  return path
}

function parse(value: string | null): unknown {
  if (value === null) return undefined
  try {
    return JSON.parse(value) as unknown
  } catch {
    return value
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** Leaf differences between two values, as [path, old, new]. */
function leafChanges(path: string, before: unknown, after: unknown): [string, unknown, unknown][] {
  if (isRecord(before) && isRecord(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)])
    return [...keys]
      .filter((k) => !k.startsWith('@odata'))
      .flatMap((k) => leafChanges(`${path}.${k}`, before[k], after[k]))
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [[path, before, after]]
}

function verb(before: unknown, after: unknown): string {
  if (before === true && after === false) return 'was turned off'
  if (before !== true && after === true) return 'was turned on'
  if (after === null || after === undefined) return 'was reset to inherit from default'
  return 'was changed'
}

/** One phrase per changed setting ("Inbound trust for MFA was turned off"), in property order. */
export function describeChanges(properties: readonly AttributionProperty[]): string[] {
  const phrases = new Map<string, string>()
  for (const property of properties) {
    if (NOT_SETTINGS.has(property.name)) continue
    for (const [path, before, after] of leafChanges(
      property.name,
      parse(property.oldValue),
      parse(property.newValue),
    )) {
      const name = settingName(path)
      const phrase = `${name} ${verb(before, after)}`
      // Several leaves of one setting (e.g. users and applications of B2B collaboration) make one phrase.
      phrases.set(name, phrases.has(name) ? `${name} was changed` : phrase)
    }
  }
  return [...phrases.values()]
}

export function describeActor(actor: AttributionActor, ours: boolean): string {
  if (ours) return 'Crosstrust (our partner app)'
  if (actor.type === 'user') return actor.userPrincipalName ?? actor.displayName ?? 'an unnamed user'
  const name = actor.displayName ?? 'an application'
  return actor.appId === undefined ? `the app ${name}` : `the app ${name} (${actor.appId})`
}

function when(iso: string): string {
  const at = new Date(iso)
  if (Number.isNaN(at.getTime())) return iso
  return `${at.toISOString().slice(11, 16)} UTC on ${at.toISOString().slice(0, 10)}`
}

function subjectOf(entry: AttributionEntry): string[] {
  switch (entry.activity) {
    case PARTNER_ACTIVITIES.deleted:
      return ['The partner entry was deleted']
    case PARTNER_ACTIVITIES.added:
      return ['The partner entry was added']
    case DEFAULT_POLICY_ACTIVITIES.reset:
      return ['The default cross-tenant access settings were reset']
    case DEFAULT_POLICY_ACTIVITIES.updated: {
      const changes = describeChanges(entry.modifiedProperties)
      return changes.length === 0
        ? ['The default cross-tenant access settings were changed']
        : changes.map((c) => `Default setting: ${c}`)
    }
    default: {
      const changes = describeChanges(entry.modifiedProperties)
      return changes.length === 0 ? ['The partner entry was changed'] : changes
    }
  }
}

/**
 * The sentence for one audit entry: what changed, by whom, when. Several settings changed by one entry are
 * joined: "Inbound trust for MFA was turned off and Inbound trust for compliant devices was turned off by …".
 */
export function describeAttributionEntry(entry: AttributionEntry): string {
  const subjects = subjectOf(entry)
  const what =
    subjects.length <= 1
      ? (subjects[0] ?? '')
      : `${subjects.slice(0, -1).join(', ')} and ${subjects.at(-1) ?? ''}`
  return `${what} by ${describeActor(entry.actor, entry.ours)} at ${when(entry.activityDateTime)}`
}

/**
 * What staff and notifications are told about a drift: the customer's own changes (newest last); our own
 * writes only when nothing else explains the drift. At most `limit` sentences, the latest ones.
 */
export function summarizeAttribution(entries: readonly AttributionEntry[], limit = 3): string[] {
  const theirs = entries.filter((e) => !e.ours)
  const told = theirs.length > 0 ? theirs : entries
  return told.slice(-limit).map(describeAttributionEntry)
}
