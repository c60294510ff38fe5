import { verificationView, type VerificationView } from '@crosstrust/core'

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * The partner entry's B2B collaboration and inbound trust settings, summarised as the portal's columns, from
 * the stored snapshot. The snapshot is flat (keys are the policy's dotted paths, see core
 * `snapshotOwnedFields`), so it is first rebuilt into the nested shape Graph returns.
 * No snapshot: "Not added" when the customer removed the entry, otherwise unknown (never checked) ⇒ null.
 */
export function verificationFromSnapshot(
  snapshot: unknown,
  complianceState: string,
): VerificationView | null {
  if (isRecord(snapshot)) {
    const nested: Record<string, unknown> = {}
    for (const [path, value] of Object.entries(snapshot)) {
      const segments = path.split('.')
      const last = segments.pop()
      if (last === undefined) continue
      let current = nested
      for (const segment of segments) {
        const next = current[segment]
        if (isRecord(next)) current = next
        else {
          const created: Record<string, unknown> = {}
          current[segment] = created
          current = created
        }
      }
      current[last] = value
    }
    return verificationView(nested)
  }
  if (complianceState === 'removed_by_customer') return verificationView(null)
  return null
}
