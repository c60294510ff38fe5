import {
  ONBOARDING_STEPS,
  ValidationError,
  type CustomerStatus,
  type VerificationView,
} from '@crosstrust/core'
import { Prisma, type Db } from '@crosstrust/db'
import { z } from 'zod'
import { cursorDate, cursorParam, decodeCursor, invalidCursor, keysetPage, pageLimit } from './cursor.ts'
import { verificationFromSnapshot } from './verification.ts'
import { type TrustSummary } from './trust.ts'
import {
  COMPLIANCE_STATE_VALUES,
  MODE_FILTER_VALUES,
  ONBOARDING_STATE_VALUES,
  customerFiltersSchema,
  filterConditions,
  type CustomerFilters,
} from './customer-filters.ts'
import { statusOf } from './customer-status.ts'

export {
  COMPLIANCE_STATE_VALUES,
  MODE_FILTER_VALUES,
  ONBOARDING_STATE_VALUES,
  customerFiltersSchema,
  type CustomerFilters,
}

// The staff customer list (dashboard, JSON API, CLI, CSV export). ONE SQL statement per page: the page of
// customers, keyset paginated over an index (`(sort column, id)`; see migration `staff_queries`), joined
// with each row's current onboarding step and its effective-trust verdict (and missing permissions, for the
// customer status). No OFFSET: page 5,000 costs what
// page 1 costs.

export const CUSTOMER_SORTS = ['name', 'createdAt', 'lastCheckAt', 'complianceChangedAt'] as const
export type CustomerSort = (typeof CUSTOMER_SORTS)[number]

export const MAX_CUSTOMER_PAGE = 200

export const customerListQuerySchema = customerFiltersSchema.extend({
  sort: z.enum(CUSTOMER_SORTS).default('createdAt'),
  order: z.enum(['asc', 'desc']).default('desc'),
  limit: pageLimit(MAX_CUSTOMER_PAGE, 50),
  cursor: cursorParam,
})
export type CustomerListQuery = z.input<typeof customerListQuerySchema>

export interface CurrentStepView {
  step: (typeof ONBOARDING_STEPS)[number]
  status: 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped'
  message: string | null
  /** When the step started (or last changed). */
  since: Date | null
  attempts: number
}

export interface CustomerListRow {
  id: string
  name: string
  tenantId: string | null
  tenantDisplayName: string | null
  expectedTenantId: string | null
  expectedDomain: string | null
  verifiedDomains: string[]
  onboardingState: (typeof ONBOARDING_STATE_VALUES)[number]
  complianceState: (typeof COMPLIANCE_STATE_VALUES)[number]
  complianceChangedAt: Date | null
  mode: 'report' | 'alert' | 'remediate' | null
  lastCheckAt: Date | null
  nextCheckAt: Date | null
  lastFailureReason: string | null
  createdAt: Date
  /**
   * The partner entry's B2B collaboration and inbound trust settings (the portal's columns) as last
   * observed; null before the first observation.
   */
  verification: VerificationView | null
  /** The first onboarding step not done yet; null when every step is done. */
  currentStep: CurrentStepView | null
  /** Effective trust as the last check evaluated it; null before the first evaluation. */
  trust: TrustSummary | null
  /** The customer status (Managed, Access needed, …) with its reason and fix. */
  status: CustomerStatus
}

export interface CustomerPage {
  items: CustomerListRow[]
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null
}

interface RawRow {
  id: string
  name: string
  tenant_id: string | null
  tenant_display_name: string | null
  expected_tenant_id: string | null
  expected_domain: string | null
  verified_domains: string[]
  onboarding_state: CustomerListRow['onboardingState']
  compliance_state: CustomerListRow['complianceState']
  compliance_changed_at: Date | null
  mode: CustomerListRow['mode']
  last_check_at: Date | null
  next_check_at: Date | null
  last_failure_reason: string | null
  created_at: Date
  offboarded_at: Date | null
  offboarded_by: 'partner' | 'customer' | null
  consecutive_failures: number
  last_observed_snapshot: unknown
  /** The first onboarding step not done yet (LATERAL join); null columns when every step is done. */
  step_name: CurrentStepView['step'] | null
  step_status: CurrentStepView['status'] | null
  step_message: string | null
  step_since: Date | null
  step_attempts: number | null
  /** The stored effective-trust verdict (LEFT JOIN customer_trust); null before the first evaluation. */
  trust_verdict: TrustSummary['verdict'] | null
  trust_reason: string | null
  trust_fix: string | null
  trust_evaluated_at: Date | null
  trust_missing_permissions: string[] | null
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

const SORT_COLUMN: Record<CustomerSort, { sql: Prisma.Sql; nullable: boolean; kind: 'text' | 'time' }> = {
  name: { sql: Prisma.sql`name`, nullable: false, kind: 'text' },
  createdAt: { sql: Prisma.sql`created_at`, nullable: false, kind: 'time' },
  lastCheckAt: { sql: Prisma.sql`last_check_at`, nullable: true, kind: 'time' },
  complianceChangedAt: { sql: Prisma.sql`compliance_changed_at`, nullable: true, kind: 'time' },
}

/**
 * Keyset condition "after the cursor". NULLs sort as the largest value (Postgres' default, which is what
 * the b-tree gives in both directions): ascending they come last, descending first.
 */
function afterCursor(sort: CustomerSort, order: 'asc' | 'desc', raw: string): Prisma.Sql {
  const cursor = decodeCursor(raw, sort, order)
  if (!UUID.test(cursor.id)) invalidCursor()
  const col = SORT_COLUMN[sort]
  const id = Prisma.sql`${cursor.id}::uuid`
  if (cursor.v === null) {
    if (!col.nullable) invalidCursor()
    return order === 'asc'
      ? Prisma.sql`(${col.sql} IS NULL AND id > ${id})`
      : Prisma.sql`((${col.sql} IS NULL AND id < ${id}) OR ${col.sql} IS NOT NULL)`
  }
  const value =
    col.kind === 'time'
      ? Prisma.sql`${cursorDate(cursor.v).toISOString()}::timestamptz`
      : Prisma.sql`${cursor.v}`
  if (order === 'asc') {
    const next = Prisma.sql`(${col.sql}, id) > (${value}, ${id})`
    return col.nullable ? Prisma.sql`(${next} OR ${col.sql} IS NULL)` : next
  }
  return Prisma.sql`(${col.sql}, id) < (${value}, ${id})`
}

function cursorValue(sort: CustomerSort, row: RawRow): string | null {
  switch (sort) {
    case 'name':
      return row.name
    case 'createdAt':
      return row.created_at.toISOString()
    case 'lastCheckAt':
      return row.last_check_at?.toISOString() ?? null
    case 'complianceChangedAt':
      return row.compliance_changed_at?.toISOString() ?? null
  }
}

const SELECT_COLUMNS = Prisma.sql`id, name, tenant_id, tenant_display_name, expected_tenant_id, expected_domain,
  verified_domains, onboarding_state, compliance_state, compliance_changed_at, mode, last_check_at,
  next_check_at, last_failure_reason, created_at, offboarded_at, offboarded_by, consecutive_failures, last_observed_snapshot`

/** The SQL of one page (exported for the EXPLAIN test and the benchmark). */
export function customerPageSql(query: z.output<typeof customerListQuerySchema>): Prisma.Sql {
  const where = filterConditions(query)
  if (query.cursor !== undefined) where.push(afterCursor(query.sort, query.order, query.cursor))
  const col = SORT_COLUMN[query.sort].sql
  const dir = query.order === 'asc' ? Prisma.sql`ASC` : Prisma.sql`DESC`
  const whereSql = where.length > 0 ? Prisma.sql`WHERE ${Prisma.join(where, ' AND ')}` : Prisma.empty
  // The page first (index scan + LIMIT), then at most limit + 1 lookups each for the step and the trust.
  return Prisma.sql`SELECT c.*, st.step::text AS step_name, st.status::text AS step_status,
      st.message AS step_message, coalesce(st.started_at, st.updated_at) AS step_since,
      st.attempts AS step_attempts, t.verdict::text AS trust_verdict, t.reason AS trust_reason,
      t.fix AS trust_fix, t.evaluated_at AS trust_evaluated_at,
      t.missing_permissions AS trust_missing_permissions
    FROM (SELECT ${SELECT_COLUMNS} FROM customers ${whereSql}
          ORDER BY ${col} ${dir}, id ${dir} LIMIT ${query.limit + 1}) c
    LEFT JOIN LATERAL (
      SELECT s.step, s.status, s.message, s.started_at, s.updated_at, s.attempts FROM onboarding_steps s
      WHERE s.customer_id = c.id AND s.status NOT IN ('succeeded', 'skipped')
      ORDER BY array_position(${[...ONBOARDING_STEPS]}::text[], s.step::text) LIMIT 1) st ON true
    LEFT JOIN customer_trust t ON t.customer_id = c.id
    ORDER BY c.${col} ${dir}, c.id ${dir}`
}

function toRow(row: RawRow): CustomerListRow {
  return {
    id: row.id,
    name: row.name,
    tenantId: row.tenant_id,
    tenantDisplayName: row.tenant_display_name,
    expectedTenantId: row.expected_tenant_id,
    expectedDomain: row.expected_domain,
    verifiedDomains: row.verified_domains,
    onboardingState: row.onboarding_state,
    complianceState: row.compliance_state,
    complianceChangedAt: row.compliance_changed_at,
    mode: row.mode,
    lastCheckAt: row.last_check_at,
    nextCheckAt: row.next_check_at,
    lastFailureReason: row.last_failure_reason,
    createdAt: row.created_at,
    verification: verificationFromSnapshot(row.last_observed_snapshot, row.compliance_state),
    currentStep:
      row.step_name === null || row.step_status === null
        ? null
        : {
            step: row.step_name,
            status: row.step_status,
            message: row.step_message,
            since: row.step_since,
            attempts: row.step_attempts ?? 0,
          },
    trust:
      row.trust_verdict === null || row.trust_evaluated_at === null
        ? null
        : {
            verdict: row.trust_verdict,
            reason: row.trust_reason ?? '',
            fix: row.trust_fix,
            evaluatedAt: row.trust_evaluated_at,
          },
    status: statusOf(
      {
        onboardingState: row.onboarding_state,
        complianceState: row.compliance_state,
        offboardedAt: row.offboarded_at,
        offboardedBy: row.offboarded_by,
        consecutiveFailures: row.consecutive_failures,
        lastFailureReason: row.last_failure_reason,
      },
      row.trust_missing_permissions ?? [],
    ),
  }
}

/** One page of customers. Invalid filters or cursors throw ValidationError (400). */
export async function listCustomers(db: Db, rawQuery: CustomerListQuery = {}): Promise<CustomerPage> {
  const parsed = customerListQuerySchema.safeParse(rawQuery)
  if (!parsed.success) {
    throw new ValidationError(
      'Invalid customer list query.',
      parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
    )
  }
  const query = parsed.data
  const rows = await db.$queryRaw<RawRow[]>(customerPageSql(query))
  const { page, nextCursor } = keysetPage(rows, query.limit, (last) => ({
    s: query.sort,
    o: query.order,
    v: cursorValue(query.sort, last),
    id: last.id,
  }))
  return { items: page.map(toRow), nextCursor }
}
