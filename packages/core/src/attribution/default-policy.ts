// A changed default cross-tenant access policy (`/policies/crossTenantAccessPolicy/default`): noticed between
// checks by one fingerprint per member effective trust reads, so no check stores or compares the whole
// policy. The default is the customer's own: a change is recorded and attributed, never repaired.
import { canonicalJson, sha256Hex } from '../canonical-json.ts'
import { attributionWindow } from './lookup.ts'

/**
 * The default-policy members effective trust reads where the partner entry inherits them
 * (`../effective-trust/tenant-settings.ts`: `inboundTrust` for MFA / device trust, `b2bCollaborationInbound`
 * for whether the partner's users may come in at all). A change elsewhere (outbound, direct connect, tenant
 * restrictions) cannot change what our operators experience, so it is not a change here.
 */
export const DEFAULT_POLICY_TRUST_MEMBERS = ['b2bCollaborationInbound', 'inboundTrust'] as const

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** The value without OData annotations (`@odata.type`, …): Graph may add or drop them without a change. */
function withoutAnnotations(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutAnnotations)
  if (!isRecord(value)) return value ?? null
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !key.startsWith('@odata'))
      .map(([key, member]) => [key, withoutAnnotations(member)]),
  )
}

export type DefaultPolicyMember = (typeof DEFAULT_POLICY_TRUST_MEMBERS)[number]

/**
 * One fingerprint per member, so a check compares only the members the entry inherits: a change of a member
 * the entry overrides cannot change what our operators experience, so it is not reported.
 */
export type DefaultPolicyFingerprints = Record<DefaultPolicyMember, string>

const isFingerprint = (v: unknown): v is string => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v)

/** The inbound-trust settings the evaluation takes from the default where the entry leaves them unset. */
const INBOUND_TRUST_SETTINGS = [
  'isMfaAccepted',
  'isCompliantDeviceAccepted',
  'isHybridAzureADJoinedDeviceAccepted',
] as const

/**
 * The members the partner entry leaves to the default (null / absent there), in the order of
 * `DEFAULT_POLICY_TRUST_MEMBERS`, as `../effective-trust/tenant-settings.ts` resolves them. No entry at all
 * inherits everything; inbound trust is inherited when any of its settings is unset.
 */
export function inheritedDefaultMembers(partner: Record<string, unknown> | null): DefaultPolicyMember[] {
  if (partner === null) return [...DEFAULT_POLICY_TRUST_MEMBERS]
  const trust = partner.inboundTrust
  const inheritsTrust = !isRecord(trust) || INBOUND_TRUST_SETTINGS.some((setting) => trust[setting] == null)
  const inheritsB2b = partner.b2bCollaborationInbound == null
  return DEFAULT_POLICY_TRUST_MEMBERS.filter((member) =>
    member === 'inboundTrust' ? inheritsTrust : inheritsB2b,
  )
}

/** SHA-256 of each member's canonical JSON: equal for equal settings, whatever the key order. */
export function defaultPolicyFingerprints(defaultPolicy: Record<string, unknown>): DefaultPolicyFingerprints {
  const hash = (member: DefaultPolicyMember) =>
    sha256Hex(canonicalJson(withoutAnnotations(defaultPolicy[member])))
  return { b2bCollaborationInbound: hash('b2bCollaborationInbound'), inboundTrust: hash('inboundTrust') }
}

/** What a check read: the default's fingerprints and the members the entry inherited from it then. */
export interface DefaultPolicyReading {
  fingerprints: DefaultPolicyFingerprints
  inherited: DefaultPolicyMember[]
}

/** The stored form (the customer's `default_policy_fingerprint`): canonical JSON of the reading. */
export function encodeDefaultPolicyReading(reading: DefaultPolicyReading): string {
  return canonicalJson(reading)
}

const isMember = (v: unknown): v is DefaultPolicyMember =>
  (DEFAULT_POLICY_TRUST_MEMBERS as readonly unknown[]).includes(v)

/**
 * The stored form read back; null when it is not a reading (a single hash over both members, written before
 * members were fingerprinted separately, or damaged). Null counts as "never read": the next read is stored
 * without being called a change.
 */
export function decodeDefaultPolicyReading(stored: string): DefaultPolicyReading | null {
  let parsed: unknown
  try {
    parsed = JSON.parse(stored)
  } catch {
    return null
  }
  if (!isRecord(parsed) || !isRecord(parsed.fingerprints) || !Array.isArray(parsed.inherited)) return null
  const { b2bCollaborationInbound, inboundTrust } = parsed.fingerprints
  if (!isFingerprint(b2bCollaborationInbound) || !isFingerprint(inboundTrust)) return null
  const inherited: unknown[] = parsed.inherited
  if (!inherited.every(isMember)) return null
  return {
    fingerprints: { b2bCollaborationInbound, inboundTrust },
    inherited: DEFAULT_POLICY_TRUST_MEMBERS.filter((m) => inherited.includes(m)),
  }
}

/** The reading a check stored, and when that check read the default. */
export interface DefaultPolicyObservation extends DefaultPolicyReading {
  seenAt: Date
}

export type DefaultPolicyChange =
  /** This check did not read the default (the entry overrides it, or the read failed): keep what is stored. */
  | { kind: 'not_read' }
  /** Read for the first time: stored, not a change (we cannot know what it was before). */
  | { kind: 'first_seen'; reading: DefaultPolicyReading }
  /** No member the entry inherits changed (one it overrides may have: stored, not reported). */
  | { kind: 'unchanged'; reading: DefaultPolicyReading }
  /** Inherited `members` changed since `window.start` (the last read, minus the clock margin; ≤ 30 days). */
  | {
      kind: 'changed'
      reading: DefaultPolicyReading
      previous: DefaultPolicyReading
      members: DefaultPolicyMember[]
      window: { start: Date; end: Date }
    }

/**
 * Did a member the entry inherits change since a check last read the default? `current` is null when this
 * check did not read it. A member counts only when the entry inherited it at the last read and inherits it
 * now: a change of a member the entry overrode cannot have changed what our operators experienced, and an
 * entry that starts to inherit a member is a change of the entry (told as its drift), not of the default.
 * The window starts at the last check that read the default, even when checks in between did not.
 */
export function decideDefaultPolicyChange(
  previous: DefaultPolicyObservation | null,
  current: DefaultPolicyReading | null,
  now: Date,
): DefaultPolicyChange {
  if (current === null) return { kind: 'not_read' }
  if (previous === null) return { kind: 'first_seen', reading: current }
  const members = current.inherited.filter(
    (m) => previous.inherited.includes(m) && previous.fingerprints[m] !== current.fingerprints[m],
  )
  if (members.length === 0) return { kind: 'unchanged', reading: current }
  const { seenAt, ...before } = previous
  return {
    kind: 'changed',
    reading: current,
    previous: before,
    members,
    window: attributionWindow(seenAt, now),
  }
}

/** The short form, said before "attribution not enabled" or "not in the audit log yet". */
export const DEFAULT_POLICY_CHANGED_SENTENCE =
  "The tenant's default cross-tenant access settings changed (the partner entry inherits them)."

/** What the check run's timeline says about the change, before (or without) knowing who made it. */
export const DEFAULT_POLICY_CHANGED_TEXT =
  "The tenant's default cross-tenant access settings changed (inbound trust or inbound B2B collaboration), which the partner entry inherits. The default is the customer's own: Crosstrust records the change and does not revert it."
