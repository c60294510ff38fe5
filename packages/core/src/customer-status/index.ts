export {
  CHECK_FAILURES_FOR_ERROR,
  CUSTOMER_STATUSES,
  CUSTOMER_STATUS_LABELS,
  IN_PROGRESS_ONBOARDING_STATES,
  customerStatus,
  customerStatusAfter,
  type CustomerStatus,
  type CustomerStatusCode,
  type CustomerStatusFacts,
} from './status.ts'
export { REMOVAL_ROLES, mayRemovePartnerConfiguration, type RemovalPermission } from './removal.ts'
