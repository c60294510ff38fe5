// Request-body validation of a partner (or default policy) write as Graph does it: 400 Request_BadRequest
// "Invalid property 'x'" for unknown or miscased names (JSON names are case-sensitive), Microsoft's messages for
// wrong types and enum values, and the switch-driven semantic checks (top-level null, mixed accessType).
import { GUID_RE } from './partner-model.ts'

type Json = Record<string, unknown>

const isJson = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

export interface BodyError {
  status: number
  code: string
  message: string
}

type Check = (v: unknown, path: string) => BodyError | null

const bad = (message: string, status = 400, code = 'Request_BadRequest'): BodyError => ({
  status,
  code,
  message,
})

const nullable =
  (inner: Check): Check =>
  (v, p) =>
    v === null ? null : inner(v, p)

const bool: Check = (v) =>
  typeof v === 'boolean'
    ? null
    : bad(`Cannot convert the literal '${JSON.stringify(v)}' to the expected type 'Edm.Boolean'.`)

const str: Check = (v) =>
  typeof v === 'string'
    ? null
    : bad(`Cannot convert the literal '${JSON.stringify(v)}' to the expected type 'Edm.String'.`)

const enumOf =
  (...values: string[]): Check =>
  (v) =>
    typeof v === 'string' && values.includes(v) ? null : bad(`Requested value '${String(v)}' was not found.`)

const arrayOf =
  (inner: Check): Check =>
  (v, p) => {
    if (!Array.isArray(v)) return bad(`Invalid value for property '${p}': a collection was expected.`)
    for (const item of v) {
      const e = inner(item, p)
      if (e) return e
    }
    return null
  }

/** An object whose properties must all be known (exact case); `@odata.*` annotations are tolerated. */
const object =
  (shape: Record<string, Check>): Check =>
  (v, p) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v))
      return bad(`Invalid value for property '${p}': an object was expected.`)
    for (const [k, val] of Object.entries(v as Json)) {
      if (k.startsWith('@odata.')) continue
      const check = shape[k]
      if (!check) return bad(`Invalid property '${k}'.`)
      const e = check(val, k)
      if (e) return e
    }
    return null
  }

const TARGET_KEYWORDS: Record<string, string> = { AllUsers: 'user', AllApplications: 'application' }

const targetShape = object({
  target: str,
  targetType: enumOf('user', 'group', 'application', 'unknownFutureValue'),
})
/** A keyword target must carry its own targetType (`AllApplications` with `user` is refused). */
const target: Check = (v, p) => {
  const e = targetShape(v, p)
  if (e) return e
  const t = v as Json
  const expected = TARGET_KEYWORDS[String(t.target)]
  return expected && t.targetType !== expected
    ? bad(`Invalid targetType '${String(t.targetType)}' for target '${String(t.target)}'.`)
    : null
}
const targetConfiguration = nullable(
  object({ accessType: enumOf('allowed', 'blocked', 'unknownFutureValue'), targets: arrayOf(target) }),
)
const b2bSetting = nullable(
  object({ usersAndGroups: targetConfiguration, applications: targetConfiguration }),
)
const tenantRestrictions = nullable(
  object({ usersAndGroups: targetConfiguration, applications: targetConfiguration, devices: () => null }),
)
const inboundOutbound = nullable(object({ inboundAllowed: nullable(bool), outboundAllowed: nullable(bool) }))
const inboundTrust = nullable(
  object({
    isMfaAccepted: nullable(bool),
    isCompliantDeviceAccepted: nullable(bool),
    isHybridAzureADJoinedDeviceAccepted: nullable(bool),
  }),
)
const m365Setting = nullable(object({ users: targetConfiguration, applications: targetConfiguration }))
const looseObject: Check = (v, p) =>
  v === null || (typeof v === 'object' && !Array.isArray(v))
    ? null
    : bad(`Invalid value for property '${p}'.`)

/** Updatable properties (learn page "Update" table) plus the undocumented extras real responses carry. */
const UPDATABLE: Record<string, Check> = {
  appServiceConnectInbound: looseObject,
  automaticUserConsentSettings: inboundOutbound,
  b2bCollaborationInbound: b2bSetting,
  b2bCollaborationOutbound: b2bSetting,
  b2bDirectConnectInbound: b2bSetting,
  b2bDirectConnectOutbound: b2bSetting,
  inboundTrust,
  m365CollaborationInbound: m365Setting,
  m365CollaborationOutbound: m365Setting,
  tenantRestrictions,
  crossCloudMeetingConfiguration: inboundOutbound,
  protectedContentSharing: inboundOutbound,
}

/** Validates a POST/PATCH body; returns the accepted properties. */
export function validatePartnerBody(
  body: unknown,
  mode: 'create' | 'update',
): { ok: true; value: Json } | { ok: false; error: BodyError } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, error: bad('Empty Payload. JSON content expected.', 400, 'BadRequest') }
  }
  const value: Json = {}
  for (const [k, v] of Object.entries(body as Json)) {
    if (k.startsWith('@odata.')) continue
    if (k === 'tenantId') {
      if (typeof v !== 'string' || !GUID_RE.test(v))
        return { ok: false, error: bad(`Invalid value '${String(v)}' for property 'tenantId'.`) }
      value[k] = v.toLowerCase()
      continue
    }
    if (k === 'isServiceProvider') {
      const e = nullable(bool)(v, k)
      if (e) return { ok: false, error: e }
      value[k] = v
      continue
    }
    if (k === 'isInMultiTenantOrganization') {
      return {
        ok: false,
        error: bad(`Property 'isInMultiTenantOrganization' is read-only and cannot be set.`),
      }
    }
    const check = UPDATABLE[k]
    if (!check) return { ok: false, error: bad(`Invalid property '${k}'.`) }
    const e = check(v, k)
    if (e) return { ok: false, error: e }
    value[k] = v
  }
  if (mode === 'create' && typeof value.tenantId !== 'string') {
    return { ok: false, error: bad("The property 'tenantId' is required.") }
  }
  return { ok: true, value }
}

const B2B_KEYS = [
  'b2bCollaborationInbound',
  'b2bCollaborationOutbound',
  'b2bDirectConnectInbound',
  'b2bDirectConnectOutbound',
  'tenantRestrictions',
] as const

/**
 * Semantic checks Graph makes beyond the shape (switches for the undocumented ones):
 * - `partnerPatchNull: 'reject-400'`: a top-level property set to null is refused;
 * - `mixedAccessTypes: 'reject-400'`: one setting whose usersAndGroups and applications have different
 *   accessType values is refused (checked on the entry as it would be stored, so merge PATCHes count).
 */
export function checkPartnerSemantics(
  patch: Json,
  resulting: Json,
  opts: { nullMode: 'reset-to-inherited' | 'reject-400'; mixedAccessTypes: 'reject-400' | 'accept' },
): BodyError | null {
  if (opts.nullMode === 'reject-400') {
    for (const [k, v] of Object.entries(patch)) {
      if (v === null && k !== 'tenantId' && k !== 'isServiceProvider')
        return bad(`Invalid value for property '${k}': null is not allowed.`)
    }
  }
  if (opts.mixedAccessTypes === 'reject-400') {
    for (const k of B2B_KEYS) {
      if (!(k in patch)) continue
      const setting = resulting[k]
      if (!isJson(setting)) continue
      const users = setting.usersAndGroups
      const apps = setting.applications
      if (isJson(users) && isJson(apps) && users.accessType !== apps.accessType)
        return bad(
          `Invalid value for property '${k}': usersAndGroups and applications must have the same accessType.`,
        )
    }
  }
  return null
}
