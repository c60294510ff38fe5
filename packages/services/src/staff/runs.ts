import { NotFoundError, ValidationError } from '@crosstrust/core'
import type { CheckRun, Db, DriftAttribution, Prisma } from '@crosstrust/db'
import { attributionView, type AttributionView } from '../attribution/views.ts'
import { z } from 'zod'
import type { RunKind, RunOutcome, RunTrigger } from '../runs/persist-run.ts'
import { cursorParam, decodeTimeCursor, keysetPage, pageLimit, timeCursor } from './cursor.ts'
import {
  observedFieldsView,
  policyDiffView,
  type JsonValue,
  type ObservedFieldsView,
  type PolicyDiffView,
} from './policy-diff-view.ts'

// Check runs (onboard, apply, check, offboard), newest first, keyset paginated on (started_at, id) over the
// indexes `(customer_id, started_at desc)` and `(started_at desc)`.

export const RUN_KINDS = ['onboard', 'apply', 'check', 'offboard'] as const
export const RUN_OUTCOMES = [
  'compliant',
  'drifted',
  'remediated',
  'unknown',
  'access_lost',
  'removed',
  'skipped',
  'failed',
  'offboarded',
] as const

export const runListQuerySchema = z.object({
  customerId: z.uuid().optional(),
  kind: z.enum(RUN_KINDS).optional(),
  outcome: z.enum(RUN_OUTCOMES).optional(),
  limit: pageLimit(200, 50),
  cursor: cursorParam,
})
export type RunListQuery = z.input<typeof runListQuerySchema>

export interface RunSummary {
  id: string
  customerId: string
  kind: RunKind
  trigger: RunTrigger
  /** null while the run is in progress. */
  outcome: RunOutcome | null
  policyVersion: number | null
  /** What differed from the policy after the run; null when nothing did. */
  diff: PolicyDiffView | null
  errorCode: string | null
  errorMessage: string | null
  graphRequestId: string | null
  durationMs: number | null
  startedAt: Date
  finishedAt: Date | null
  actor: string | null
  /** Who made the drift this run found (directory audit log); null when the run found none. */
  attribution: AttributionView | null
}

/** A run's summary columns; the diff as stored (reading an already viewed diff again gives the same view). */
type RunSummarySource = Omit<RunSummary, 'diff' | 'attribution'> & {
  diff: unknown
  attribution?: DriftAttribution | null
}

/** Read a run with its attribution row (`include`), so the summary can show it. */
export const WITH_ATTRIBUTION = { attribution: true } as const

export function runSummary(run: RunSummarySource): RunSummary {
  return {
    id: run.id,
    customerId: run.customerId,
    kind: run.kind,
    trigger: run.trigger,
    outcome: run.outcome,
    policyVersion: run.policyVersion,
    diff: policyDiffView(run.diff),
    errorCode: run.errorCode,
    errorMessage: run.errorMessage,
    graphRequestId: run.graphRequestId,
    durationMs: run.durationMs,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    actor: run.actor,
    attribution: run.attribution ? attributionView(run.attribution) : null,
  }
}

/** A full run: the summary, the observed snapshot when it changed, and the entry before and after a repair. */
export interface RunDetail extends RunSummary {
  /** Stored only when it differs from the previous run's (compact history). */
  observedSnapshot: ObservedFieldsView | null
  observedHash: string | null
  /** The partner entry as Graph returned it before and after a repair; null when nothing was repaired. */
  before: JsonValue | null
  after: JsonValue | null
}

function runDetail(run: CheckRun & { attribution: DriftAttribution | null }): RunDetail {
  return {
    ...runSummary(run),
    observedSnapshot: observedFieldsView(run.observedSnapshot),
    observedHash: run.observedHash,
    before: run.before,
    after: run.after,
  }
}

/** A full run (with the before/after and the observed snapshot) for the run page. */
export async function getRun(db: Db, id: string): Promise<RunDetail> {
  const run = z.uuid().safeParse(id).success
    ? await db.checkRun.findUnique({ where: { id }, include: WITH_ATTRIBUTION })
    : null
  if (!run) throw new NotFoundError(`No run ${id}.`, { code: 'run_not_found' })
  return runDetail(run)
}

export function parseQuery<S extends z.ZodType>(schema: S, raw: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(raw)
  if (parsed.success) return parsed.data
  throw new ValidationError(
    `Invalid ${what}.`,
    parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
  )
}

export async function listRuns(
  db: Db,
  raw: RunListQuery = {},
): Promise<{ items: RunSummary[]; nextCursor: string | null }> {
  const query = parseQuery(runListQuerySchema, raw, 'run list query')
  const where: Prisma.CheckRunWhereInput = {
    customerId: query.customerId,
    kind: query.kind,
    outcome: query.outcome,
  }
  if (query.cursor !== undefined) {
    const { at, id } = decodeTimeCursor(query.cursor, 'startedAt', (v) => z.uuid().safeParse(v).success)
    where.OR = [{ startedAt: { lt: at } }, { startedAt: at, id: { lt: id } }]
  }
  const rows = await db.checkRun.findMany({
    where,
    orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
    take: query.limit + 1,
    include: WITH_ATTRIBUTION,
  })
  const { page, nextCursor } = keysetPage(rows, query.limit, (last) =>
    timeCursor('startedAt', last.startedAt, last.id),
  )
  return { items: page.map(runSummary), nextCursor }
}
