import type { PolicyDefinition } from './types.ts'
import { buildCreateBody } from './bodies.ts'
import { readPath } from './paths.ts'

// The partner entry's B2B collaboration and inbound trust settings as the portal summarises them: its list of
// organisations shows, per partner, whether each direction is "Configured" or "Inherited from default". The dashboard shows the same columns so staff can compare
// Crosstrust's view with what a customer admin sees in the portal.

export type ColumnState = 'Configured' | 'Inherited from default' | 'Not added'

export interface VerificationView {
  inboundAccess: ColumnState
  outboundAccess: ColumnState
  tenantRestrictions: ColumnState
}

const INBOUND_PATHS = [
  'b2bCollaborationInbound',
  'b2bDirectConnectInbound',
  'inboundTrust',
  'automaticUserConsentSettings.inboundAllowed',
  'm365CollaborationInbound',
  'appServiceConnectInbound',
]
const OUTBOUND_PATHS = [
  'b2bCollaborationOutbound',
  'b2bDirectConnectOutbound',
  'automaticUserConsentSettings.outboundAllowed',
  'm365CollaborationOutbound',
]
const TENANT_RESTRICTION_PATHS = ['tenantRestrictions']

/** The three columns, each Configured when any of its paths is set (`isSet` says how to read a path). */
function columns(isSet: (path: string) => boolean): VerificationView {
  const column = (paths: readonly string[]): ColumnState =>
    paths.some(isSet) ? 'Configured' : 'Inherited from default'
  return {
    inboundAccess: column(INBOUND_PATHS),
    outboundAccess: column(OUTBOUND_PATHS),
    tenantRestrictions: column(TENANT_RESTRICTION_PATHS),
  }
}

const present = (value: unknown): boolean => value !== null && value !== undefined

/** The portal's inbound / outbound / tenant-restrictions columns for an observed partner entry; `null` (404) shows the organisation as not added. */
export function verificationView(observed: unknown): VerificationView {
  if (observed === null || observed === undefined) {
    return { inboundAccess: 'Not added', outboundAccess: 'Not added', tenantRestrictions: 'Not added' }
  }
  return columns((path) => present(readPath(observed, path)))
}

/**
 * The same columns from a stored snapshot, whose keys are the policy's dotted paths (`snapshotOwnedFields`),
 * read as they are (the staff list shows them for every row of a page). A column's path is set when the
 * snapshot holds a value at it, beneath it, or inside an object stored above it. A snapshot stores an owned
 * field whose section Graph answered as null (inherited from the default) as null, so null values beneath a
 * path say "inherited", not "configured": the columns tell only as much as the owned fields do.
 */
export function verificationViewOfSnapshot(snapshot: Readonly<Record<string, unknown>>): VerificationView {
  const entries = Object.entries(snapshot).filter(([, value]) => present(value))
  return columns((path) =>
    entries.some(([key, value]) => {
      if (key === path || key.startsWith(`${path}.`)) return true
      return path.startsWith(`${key}.`) && present(readPath(value, path.slice(key.length + 1)))
    }),
  )
}

/** What those columns should show once the policy is applied (for version 1: Configured / Inherited / Inherited). */
export function expectedVerificationView(definition: PolicyDefinition): VerificationView {
  return verificationView(buildCreateBody(definition, 'expected'))
}
