import type { Evaluation } from '../policy/evaluate.ts'
import type { GraphErrorKind } from '../graph-error-kind.ts'

// Classifies one check. A failed read is never drift: M365DSC's "read failed, so
// it must be absent" is the most complained-about false drift in peer tools.

export type CheckOutcome = 'compliant' | 'drifted' | 'unknown' | 'access_lost'

/**
 * How the customer removed us, so the UI can say "removed by the customer" distinctly:
 * - `partner_entry_deleted`: our partner entry is gone (404) while our access still works;
 * - `app_removed`: the app's service principal is gone (AADSTS700016 / AADSTS7000229);
 * - `consent_revoked`: the token or Graph refuses our permissions (401/403, roles missing).
 */
export type RemovalKind = 'partner_entry_deleted' | 'app_removed' | 'consent_revoked'

export type CheckInput =
  | { kind: 'evaluated'; evaluation: Evaluation }
  | { kind: 'error'; errorKind: GraphErrorKind; code?: string; message?: string }

export interface CheckClassification {
  outcome: CheckOutcome
  evaluation: Evaluation | null
  removalKind: RemovalKind | null
  errorKind: GraphErrorKind | null
  errorCode: string | null
}

const APP_REMOVED_CODES = /\b(AADSTS)?(700016|7000229)\b/

export function classifyCheck(input: CheckInput): CheckClassification {
  if (input.kind === 'evaluated') {
    const { evaluation } = input
    return {
      outcome: evaluation.status === 'compliant' ? 'compliant' : 'drifted',
      evaluation,
      removalKind: evaluation.status === 'missing' ? 'partner_entry_deleted' : null,
      errorKind: null,
      errorCode: null,
    }
  }
  const code = input.code ?? null
  if (input.errorKind === 'access_lost') {
    const appRemoved = code !== null && APP_REMOVED_CODES.test(code)
    return {
      outcome: 'access_lost',
      evaluation: null,
      removalKind: appRemoved ? 'app_removed' : 'consent_revoked',
      errorKind: input.errorKind,
      errorCode: code,
    }
  }
  // Transient, throttled, and anything else that is not a clean read: we do not know the state.
  return {
    outcome: 'unknown',
    evaluation: null,
    removalKind: null,
    errorKind: input.errorKind,
    errorCode: code,
  }
}

/** Wording for the dashboard when the customer removed us (entry deleted or app removed). */
export function removedByCustomer(classification: CheckClassification): boolean {
  return (
    classification.removalKind === 'partner_entry_deleted' || classification.removalKind === 'app_removed'
  )
}
