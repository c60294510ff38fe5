import type { CheckClassification } from './classify.ts'
import { hasRepairableDrift } from '../policy/evaluate.ts'

export const MONITORING_MODES = ['report', 'alert', 'remediate'] as const
export type MonitoringMode = (typeof MONITORING_MODES)[number]
export const DEFAULT_MONITORING_MODE: MonitoringMode = 'alert'

export interface CheckAction {
  /** Every run is recorded. */
  record: true
  /** Emit notifications for state transitions (the notifier still fires on changes only). */
  notify: boolean
  /** `create` when the entry is gone (POST), `patch` for repairable differences, else null. */
  repair: 'create' | 'patch' | null
  /** Read back after a repair to confirm it took. */
  reverify: boolean
}

/**
 * report: record. alert: record + notify. remediate: record + repair only repairable fields + re-verify +
 * notify. Unknown outcomes are recorded only: no alert and no repair on a state we could not read.
 */
export function decideAction(mode: MonitoringMode, classification: CheckClassification): CheckAction {
  const notify = mode !== 'report' && classification.outcome !== 'unknown'
  const evaluation = classification.evaluation
  if (mode !== 'remediate' || classification.outcome !== 'drifted' || evaluation === null) {
    return { record: true, notify, repair: null, reverify: false }
  }
  if (evaluation.status === 'missing') return { record: true, notify, repair: 'create', reverify: true }
  if (hasRepairableDrift(evaluation)) return { record: true, notify, repair: 'patch', reverify: true }
  return { record: true, notify, repair: null, reverify: false }
}
