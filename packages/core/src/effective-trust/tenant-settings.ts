import type { TrustSettings } from './conditional-access.ts'
import type { EffectiveTrustInput } from './types.ts'

// The tenant's cross-tenant settings as they apply to the partner: the partner entry's own values, or the
// default policy's where the entry inherits them.

type Json = Record<string, unknown>
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

/** A partner value, or the default's when the partner inherits it (null / absent). */
function inherited(partner: Json | null, defaults: Json | null, key: string, member: string): unknown {
  const own = partner && isObject(partner[key]) ? partner[key][member] : undefined
  if (own !== undefined && own !== null) return own
  return defaults && isObject(defaults[key]) ? defaults[key][member] : undefined
}

export function trustSettings(input: EffectiveTrustInput): TrustSettings {
  const get = (member: string) =>
    inherited(input.partner, input.defaultPolicy, 'inboundTrust', member) === true
  return {
    mfa: get('isMfaAccepted'),
    compliantDevice: get('isCompliantDeviceAccepted'),
    hybridJoinedDevice: get('isHybridAzureADJoinedDeviceAccepted'),
  }
}

export type InboundAccess = 'allowed' | 'limited' | 'blocked' | 'unknown'

function accessOf(setting: unknown, allTarget: string): InboundAccess {
  if (!isObject(setting)) return 'unknown'
  const all = Array.isArray(setting.targets)
    ? setting.targets.some((t) => isObject(t) && t.target === allTarget)
    : false
  if (setting.accessType === 'blocked') return all ? 'blocked' : 'limited'
  if (setting.accessType === 'allowed') return all ? 'allowed' : 'limited'
  return 'unknown'
}

/** Inbound B2B collaboration for the partner's users: its own setting, or the default's it inherits. */
export function inboundB2b(input: EffectiveTrustInput): {
  access: InboundAccess
  fromDefault: boolean
  defaultBlocks: boolean
} {
  const own =
    input.partner && isObject(input.partner.b2bCollaborationInbound)
      ? input.partner.b2bCollaborationInbound
      : null
  const def =
    input.defaultPolicy && isObject(input.defaultPolicy.b2bCollaborationInbound)
      ? input.defaultPolicy.b2bCollaborationInbound
      : null
  const pick = (s: Json | null): InboundAccess => {
    if (!s) return 'unknown'
    const users = accessOf(s.usersAndGroups, 'AllUsers')
    const apps = accessOf(s.applications, 'AllApplications')
    if (users === 'blocked' || apps === 'blocked') return 'blocked'
    if (users === 'limited' || apps === 'limited') return 'limited'
    if (users === 'allowed' && apps === 'allowed') return 'allowed'
    return 'unknown'
  }
  const defaultAccess = pick(def)
  const ownAccess = pick(own)
  if (own && ownAccess !== 'unknown')
    return { access: ownAccess, fromDefault: false, defaultBlocks: defaultAccess === 'blocked' }
  return { access: defaultAccess, fromDefault: true, defaultBlocks: defaultAccess === 'blocked' }
}
