import type { NotifiableState, RemovalKind } from '@crosstrust/core'
import type { ComplianceStateValue } from '../runs/persist-run.ts'

/** The removal kind kept in `currentDiff` (so the next run knows whether "removed by the customer" was told). */
export function removalKindOf(currentDiff: unknown): RemovalKind | null {
  if (typeof currentDiff !== 'object' || currentDiff === null) return null
  const kind = (currentDiff as { removalKind?: unknown }).removalKind
  return kind === 'partner_entry_deleted' || kind === 'app_removed' || kind === 'consent_revoked'
    ? kind
    : null
}

/**
 * A stored compliance state as the notifier's last KNOWN state. `pending`/`unknown` count as compliant: an
 * onboarded customer was verified compliant by onboarding, and an unknown read is not a state.
 * `removed_by_customer` (our entry deleted) is drift that the customer did; an `app_removed` access loss is
 * the other "removed by the customer".
 */
export function toNotifiable(state: ComplianceStateValue, currentDiff: unknown): NotifiableState {
  switch (state) {
    case 'drifted':
      return { status: 'drifted' }
    case 'removed_by_customer':
      return { status: 'drifted', removedByCustomer: true }
    case 'access_lost':
      return { status: 'access_lost', removedByCustomer: removalKindOf(currentDiff) === 'app_removed' }
    case 'offboarded':
      return { status: 'offboarded' }
    default:
      return { status: 'compliant' }
  }
}
