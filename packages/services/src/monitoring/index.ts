export { DEFAULT_MONITORING_SETTINGS, type MonitoringDeps, type MonitoringSettings } from './settings.ts'
export { runCheck, type RunCheckInput, type RunCheckResult } from './run-check.ts'
export { recordSkippedCheck } from './record-skipped.ts'
export {
  createCheckLimiter,
  runCheckBatch,
  type CheckBatchResult,
  type CheckLimiter,
} from './batch/run-check-batch.ts'
export { runOffboard, OffboardRetryableError, type OffboardOutcome } from './run-offboard.ts'
export { leaseDueChecks, findOffboarding, findStuckOnboarding, type DueCheck } from './due-work.ts'
export { removalKindOf, toNotifiable } from './notifiable.ts'
export {
  CHECK_INTERVAL_BOUNDS,
  changeCheckInterval,
  changeMode,
  forceRetry,
  requestApply,
  requestOffboard,
  requestRecheck,
  type OffboardInput,
  type QueuedAction,
} from './staff-actions.ts'
export {
  MAX_DEVIATION_DAYS,
  acceptDeviation,
  acceptDeviationInput,
  listDeviations,
  revokeDeviation,
  type AcceptDeviationInput,
} from './deviations.ts'
export type { ComplianceStateValue, RunOutcome, RunTrigger } from '../runs/persist-run.ts'
