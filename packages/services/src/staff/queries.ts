// Read side of the staff surface (dashboard, JSON API, CLI): indexed, keyset-paginated queries, no N+1.
export {
  COMPLIANCE_STATE_VALUES,
  CUSTOMER_SORTS,
  MAX_CUSTOMER_PAGE,
  MODE_FILTER_VALUES,
  ONBOARDING_STATE_VALUES,
  customerFiltersSchema,
  customerListQuerySchema,
  customerPageSql,
  listCustomers,
  type CurrentStepView,
  type CustomerFilters,
  type CustomerListQuery,
  type CustomerListRow,
  type CustomerPage,
  type CustomerSort,
} from './customer-list.ts'
export {
  EXPIRING_LINK_WINDOW_DAYS,
  customerStateCounts,
  summaryCounts,
  type SummaryCounts,
} from './summary.ts'
export {
  SUMMARY_MAX_AGE_MS,
  createSummaryCache,
  type StaleSummary,
  type SummaryCache,
} from './summary-cache.ts'
export {
  customerDetail,
  customerLabel,
  listConsentLinks,
  linkStatus,
  type ConsentLinkStatus,
  type ConsentLinkView,
  type CustomerDetail,
  type StepView,
} from './customer-detail.ts'
export { customerView, type ContactView, type CustomerView, type LicenceView } from './customer-view.ts'
export {
  observedFieldsView,
  policyDiffView,
  type DiffFieldView,
  type JsonValue,
  type ObservedFieldsView,
  type PolicyDiffView,
} from './policy-diff-view.ts'
export { deviationView, type DeviationView } from '../monitoring/deviations.ts'
export {
  RUN_KINDS,
  RUN_OUTCOMES,
  getRun,
  listRuns,
  runListQuerySchema,
  runSummary,
  type RunDetail,
  type RunListQuery,
  type RunSummary,
} from './runs.ts'
export {
  auditListQuerySchema,
  listAuditEvents,
  type AuditEventView,
  type AuditListQuery,
} from './audit-events.ts'
export { customerStatusCondition, statusOf } from './customer-status.ts'
export { csvCell, csvLine, exportCustomersCsv } from './csv.ts'
export {
  listNeedsAttention,
  MAX_ATTENTION_ITEMS,
  type AttentionItem,
  type AttentionReason,
} from './needs-attention.ts'
export { verificationFromSnapshot } from './verification.ts'
export { revokeConsentLink } from './consent-link-revoke.ts'
export {
  TRUST_FILTER_VALUES,
  customerTrustDetail,
  customerTrustCounts,
  trustByCustomer,
  trustLabel,
  type TrustDetail,
  type TrustSummary,
} from './trust.ts'
