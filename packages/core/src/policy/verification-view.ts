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

function column(observed: unknown, paths: readonly string[]): ColumnState {
  const configured = paths.some((path) => {
    const value = readPath(observed, path)
    return value !== null && value !== undefined
  })
  return configured ? 'Configured' : 'Inherited from default'
}

/** The portal's inbound / outbound / tenant-restrictions columns for an observed partner entry; `null` (404) shows the organisation as not added. */
export function verificationView(observed: unknown): VerificationView {
  if (observed === null || observed === undefined) {
    return { inboundAccess: 'Not added', outboundAccess: 'Not added', tenantRestrictions: 'Not added' }
  }
  return {
    inboundAccess: column(observed, INBOUND_PATHS),
    outboundAccess: column(observed, OUTBOUND_PATHS),
    tenantRestrictions: column(observed, TENANT_RESTRICTION_PATHS),
  }
}

/**
 * The same columns from a stored snapshot, whose keys are the policy's dotted paths (`snapshotOwnedFields`),
 * read as they are (the staff list shows them for every row of a page). A column's path is set when the
 * snapshot holds a value at it, beneath it, or inside an object stored above it. A snapshot stores an owned
 * field whose section Graph answered as null (inherited from the default) as null, so null values beneath a
 * path say "inherited", not "configured": the columns tell only as much as the owned fields do.
 */
export function verificationViewOfSnapshot(snapshot: Readonly<Record<string, unknown>>): VerificationView {
  const entries = Object.entries(snapshot).filter(([, value]) => value !== null && value !== undefined)
  const isSet = (path: string): boolean =>
    entries.some(([key, value]) => {
      if (key === path || key.startsWith(`${path}.`)) return true
      if (!path.startsWith(`${key}.`)) return false
      const inner = readPath(value, path.slice(key.length + 1))
      return inner !== null && inner !== undefined
    })
  const column = (paths: readonly string[]): ColumnState =>
    paths.some(isSet) ? 'Configured' : 'Inherited from default'
  return {
    inboundAccess: column(INBOUND_PATHS),
    outboundAccess: column(OUTBOUND_PATHS),
    tenantRestrictions: column(TENANT_RESTRICTION_PATHS),
  }
}

/** What those columns should show once the policy is applied (for version 1: Configured / Inherited / Inherited). */
export function expectedVerificationView(definition: PolicyDefinition): VerificationView {
  return verificationView(buildCreateBody(definition, 'expected'))
}
