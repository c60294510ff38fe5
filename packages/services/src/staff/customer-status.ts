// The customer status (core's `customerStatus`, Lighthouse's vocabulary) on the staff surfaces: the value
// per row and the list filter. The filter is the same table as core's, written in SQL so a page stays one
// statement; `test/customer-status-filter.test.ts` checks that the two agree on every situation.
import {
  CHECK_FAILURES_FOR_ERROR,
  CUSTOMER_STATUSES,
  IN_PROGRESS_ONBOARDING_STATES,
  customerStatus,
  type ComplianceState,
  type CustomerStatus,
  type CustomerStatusCode,
  type OnboardingState,
} from '@crosstrust/core'
import { Prisma } from '@crosstrust/db'
import { z } from 'zod'

export const customerStatusFilterSchema = z.enum(CUSTOMER_STATUSES).optional()

const IN_PROGRESS = Prisma.sql`onboarding_state IN (${Prisma.join(
  IN_PROGRESS_ONBOARDING_STATES.map((state) => Prisma.sql`${state}::onboarding_state`),
)})`
const REMOVED = Prisma.sql`(offboarded_at IS NOT NULL
  OR onboarding_state IN ('offboarding', 'offboarded') OR compliance_state = 'offboarded')`
/** Removed on the status page by the customer's admin (stored with the request), else by us. */
const REMOVED_ON_STATUS_PAGE = Prisma.sql`(${REMOVED} AND offboarded_by IS NOT DISTINCT FROM 'customer'::offboarded_by)`
const REMOVED_BY_PARTNER = Prisma.sql`(${REMOVED} AND offboarded_by IS DISTINCT FROM 'customer'::offboarded_by)`
const MISSING_PERMISSIONS = Prisma.sql`EXISTS (SELECT 1 FROM customer_trust mp
  WHERE mp.customer_id = customers.id AND cardinality(mp.missing_permissions) > 0)`
const FAILING = Prisma.sql`(compliance_state = 'unknown' AND consecutive_failures >= ${CHECK_FAILURES_FOR_ERROR})`
/** Onboarded and in none of the earlier rows of the table: the checks' states decide. */
const CHECKED = Prisma.sql`onboarding_state = 'onboarded' AND NOT ${REMOVED}`

/** WHERE condition on `customers` selecting the customers whose status is `code`. */
export function customerStatusCondition(code: CustomerStatusCode | undefined): Prisma.Sql | null {
  switch (code) {
    case undefined:
      return null
    case 'removed_by_partner':
      return REMOVED_BY_PARTNER
    case 'pending':
      return Prisma.sql`(${IN_PROGRESS} AND NOT ${REMOVED})`
    case 'error':
      return Prisma.sql`((onboarding_state = 'failed' AND NOT ${REMOVED})
        OR (${CHECKED} AND (compliance_state = 'drifted' OR ${FAILING})))`
    case 'removed_by_customer':
      return Prisma.sql`(${REMOVED_ON_STATUS_PAGE} OR (${CHECKED} AND compliance_state = 'removed_by_customer'))`
    case 'access_needed':
      return Prisma.sql`(${CHECKED} AND (compliance_state = 'access_lost'
        OR (compliance_state IN ('compliant', 'pending', 'unknown') AND NOT ${FAILING} AND ${MISSING_PERMISSIONS})))`
    case 'managed':
      return Prisma.sql`(${CHECKED} AND compliance_state IN ('compliant', 'pending', 'unknown')
        AND NOT ${FAILING} AND NOT ${MISSING_PERMISSIONS})`
  }
}

export interface CustomerStatusSource {
  onboardingState: OnboardingState
  complianceState: ComplianceState
  offboardedAt: Date | null
  offboardedBy: 'partner' | 'customer' | null
  consecutiveFailures: number
  lastFailureReason: string | null
}

/** The status of one customer record, given its trust row's missing permissions (none without a row). */
export function statusOf(
  customer: CustomerStatusSource,
  missingPermissions: readonly string[],
): CustomerStatus {
  return customerStatus({
    onboardingState: customer.onboardingState,
    complianceState: customer.complianceState,
    offboardedAt: customer.offboardedAt,
    offboardedBy: customer.offboardedBy,
    consecutiveFailures: customer.consecutiveFailures,
    lastFailureReason: customer.lastFailureReason,
    missingPermissions,
  })
}
