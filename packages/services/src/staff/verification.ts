import { verificationView, verificationViewOfSnapshot, type VerificationView } from '@crosstrust/core'

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * The partner entry's B2B collaboration and inbound trust settings, summarised as the portal's columns, from
 * the stored snapshot (flat: keys are the policy's dotted paths, see core `snapshotOwnedFields`).
 * No snapshot: "Not added" when the customer removed the entry, otherwise unknown (never checked) ⇒ null.
 */
export function verificationFromSnapshot(
  snapshot: unknown,
  complianceState: string,
): VerificationView | null {
  if (isRecord(snapshot)) return verificationViewOfSnapshot(snapshot)
  if (complianceState === 'removed_by_customer') return verificationView(null)
  return null
}
