export type { CheckClassification, CheckInput, CheckOutcome, RemovalKind } from './classify.ts'
export { classifyCheck, removedByCustomer } from './classify.ts'
export type { CheckAction, MonitoringMode } from './decide-action.ts'
export { DEFAULT_MONITORING_MODE, MONITORING_MODES, decideAction } from './decide-action.ts'
export type {
  CheckOutcomeDecision,
  CheckOutcomeInput,
  CheckRunOutcome,
  ComplianceState,
} from './check-outcome.ts'
export { checkFailureReason, compactDiff, decideCheckOutcome, repairFor } from './check-outcome.ts'
export type {
  BackoffOptions,
  JitterOptions,
  ScheduleAfterCheck,
  ScheduleAfterCheckInput,
} from './schedule.ts'
export {
  backoffSeconds,
  backoffUntil,
  nextCheckAt,
  scheduleAfterCheck,
  spreadWithin,
  unitFromHash,
} from './schedule.ts'
