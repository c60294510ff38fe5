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

/** What those columns should show once the policy is applied (for version 1: Configured / Inherited / Inherited). */
export function expectedVerificationView(definition: PolicyDefinition): VerificationView {
  return verificationView(buildCreateBody(definition, 'expected'))
}
