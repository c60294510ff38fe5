// Effective trust on the staff surfaces (dashboard, JSON API, CLI, CSV): the stored verdict per customer
// (written by checks, docs/effective-trust.md), as a list column, a filter and the detail view.
import {
  TRUST_VERDICTS,
  parseTrustVerdict,
  type RequirementResult,
  type TrustFinding,
  type TrustVerdict,
} from '@crosstrust/core'
import { Prisma, type Db } from '@crosstrust/db'
import { z } from 'zod'

/** `trust` filter values: the stored ones, and the label `no effect` for `no_effect`. */
export const TRUST_FILTER_VALUES = [...TRUST_VERDICTS, 'no effect'] as const
export const trustFilterSchema = z.enum(TRUST_FILTER_VALUES).optional()

/** WHERE condition on `customers` for a verdict (index `customer_trust_verdict_idx`). */
export function trustFilterCondition(value: string | undefined): Prisma.Sql | null {
  if (value === undefined) return null
  const verdict = parseTrustVerdict(value)
  if (verdict === null) return null
  return Prisma.sql`id IN (SELECT customer_id FROM customer_trust WHERE verdict = ${verdict}::trust_verdict)`
}

export interface TrustSummary {
  verdict: TrustVerdict
  reason: string
  fix: string | null
  evaluatedAt: Date
}

export interface TrustDetail extends TrustSummary {
  changedAt: Date
  requirements: RequirementResult[]
  findings: TrustFinding[]
  /** Permissions the customer has not consented to yet ("re-consent needed"). */
  missingPermissions: string[]
}

/** One batched query for a page of customers. */
export async function trustByCustomer(
  db: Db,
  customerIds: readonly string[],
): Promise<Map<string, TrustSummary>> {
  if (customerIds.length === 0) return new Map()
  const rows = await db.customerTrust.findMany({
    where: { customerId: { in: [...customerIds] } },
    select: { customerId: true, verdict: true, reason: true, fix: true, evaluatedAt: true },
  })
  return new Map(rows.map(({ customerId, ...t }) => [customerId, t]))
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export async function customerTrustDetail(db: Db, customerId: string): Promise<TrustDetail | null> {
  if (!UUID.test(customerId)) return null
  const row = await db.customerTrust.findUnique({ where: { customerId } })
  if (row === null) return null
  const stored = (row.findings ?? {}) as { requirements?: RequirementResult[]; findings?: TrustFinding[] }
  return {
    verdict: row.verdict,
    reason: row.reason,
    fix: row.fix,
    evaluatedAt: row.evaluatedAt,
    changedAt: row.changedAt,
    requirements: stored.requirements ?? [],
    findings: stored.findings ?? [],
    missingPermissions: row.missingPermissions,
  }
}

export const trustLabel = (verdict: TrustVerdict): string => (verdict === 'no_effect' ? 'no effect' : verdict)

/** Customers per stored verdict and the verdict changes counted so far (the `/metrics` trust figures). */
export async function customerTrustCounts(
  db: Db,
): Promise<{ verdicts: { verdict: string; count: number }[]; changes: number }> {
  const [rows, sum] = await Promise.all([
    db.customerTrust.groupBy({ by: ['verdict'], _count: { _all: true } }),
    db.customerTrust.aggregate({ _sum: { changeCount: true } }),
  ])
  return {
    verdicts: rows.map((row) => ({ verdict: row.verdict, count: row._count._all })),
    changes: sum._sum.changeCount ?? 0,
  }
}
