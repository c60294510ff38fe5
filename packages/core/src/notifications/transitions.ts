// Notifications fire on state changes only: repeated alerts for the same drift are
// the top complaint about peer tools (CIPP #6216, Maester #155). This file decides what changed.

/**
 * A customer's notifiable state. `unknown` check outcomes are not a state: the caller keeps the last known
 * state, so a transient Graph failure can neither raise nor clear an alert. `remediated` means compliant
 * again after our own repair; as a previous state it counts as compliant.
 */
export type NotifiableStatus =
  'onboarding' | 'onboarding_failed' | 'compliant' | 'remediated' | 'drifted' | 'access_lost' | 'offboarded'

export interface NotifiableState {
  status: NotifiableStatus
  /** The customer removed us (partner entry deleted, or the app removed), shown distinctly. */
  removedByCustomer?: boolean
}

export const TRANSITION_KINDS = [
  'drifted',
  'recovered',
  'remediated',
  'access_lost',
  'access_restored',
  'removed_by_customer',
  'onboarding_failed',
  'onboarding_completed',
  'trust_changed',
  'drift_attributed',
] as const

export type TransitionKind = (typeof TRANSITION_KINDS)[number]

function isOk(status: NotifiableStatus): boolean {
  return status === 'compliant' || status === 'remediated'
}

/** What changed between the last known state and the new one; empty when nothing did. */
export function detectTransition(prev: NotifiableState | null, next: NotifiableState): TransitionKind[] {
  const before = prev?.status ?? 'onboarding'
  const after = next.status
  const kinds: TransitionKind[] = []
  const newlyRemoved = next.removedByCustomer === true && prev?.removedByCustomer !== true

  // Our own offboarding tells nobody; the customer's admin removing us from the status page is news for staff.
  if (after === 'offboarded') return newlyRemoved ? ['removed_by_customer'] : kinds
  if (after === 'onboarding') return kinds
  if (after === 'onboarding_failed') return before === 'onboarding_failed' ? kinds : ['onboarding_failed']

  const wasOnboarding = before === 'onboarding' || before === 'onboarding_failed'
  if (after === 'access_lost') {
    if (before !== 'access_lost') kinds.push('access_lost')
    if (newlyRemoved) kinds.push('removed_by_customer')
    return kinds
  }
  if (before === 'access_lost') kinds.push('access_restored')
  if (wasOnboarding && isOk(after)) kinds.push('onboarding_completed')

  if (after === 'drifted') {
    if (before !== 'drifted') kinds.push('drifted')
    if (newlyRemoved) kinds.push('removed_by_customer')
  } else if (before === 'drifted') {
    kinds.push(after === 'remediated' ? 'remediated' : 'recovered')
  }
  return kinds
}

/**
 * De-duplication key for one notification: the same transition for the same customer at the same state
 * change (its sequence number or timestamp) is delivered once, however often the job is retried. Dots only,
 * so it is usable as a BullMQ job id.
 */
export function notificationDedupeKey(
  customerId: string,
  transition: TransitionKind,
  sequence: number | Date,
): string {
  const at = typeof sequence === 'number' ? String(sequence) : String(sequence.getTime())
  return `notify.${customerId}.${transition}.${at}`
}
