import {
  NotFoundError,
  deriveOnboardingState,
  initialSteps,
  resetStepsFrom,
  startStep,
  transitionStep,
  type OnboardingStep,
  type StepRecord,
  type StepStatus,
} from '@crosstrust/core'
import { Prisma, type Db, type Licence, type Tx } from '@crosstrust/db'

/**
 * The customer's steps in order. A step without a row (a customer created before that step existed, or
 * seeded without its rows) reads as its initial record; the next `moveSteps` writes it.
 */
export async function loadSteps(tx: Db | Tx, customerId: string): Promise<StepRecord[]> {
  return (await readSteps(tx, customerId)).steps
}

/** The steps in order, and the records as stored (a step without a row is absent from `stored`). */
async function readSteps(
  tx: Db | Tx,
  customerId: string,
): Promise<{ steps: StepRecord[]; stored: ReadonlyMap<OnboardingStep, StepRecord> }> {
  // Raw SQL: read on every step move, and Prisma compiles every ORM query anew (no plan cache).
  const rows = await tx.$queryRaw<StepRow[]>`
    SELECT step::text AS step, status::text AS status, attempts, started_at, finished_at, message
    FROM onboarding_steps WHERE customer_id = ${customerId}::uuid`
  const stored = new Map<OnboardingStep, StepRecord>(
    rows.map((row) => [
      row.step,
      {
        step: row.step,
        status: row.status,
        attempts: row.attempts,
        startedAt: row.started_at,
        finishedAt: row.finished_at,
        message: row.message,
      },
    ]),
  )
  return { steps: initialSteps().map((initial) => stored.get(initial.step) ?? initial), stored }
}

/** Creates a new customer's step rows, one per step and all pending, so staff see its first step at once. */
export async function createSteps(tx: Tx, customerId: string): Promise<void> {
  await writeSteps(tx, customerId, initialSteps(), new Map())
}

interface StepRow {
  step: OnboardingStep
  status: StepStatus
  attempts: number
  started_at: Date | null
  finished_at: Date | null
  message: string | null
}

/**
 * One change to the steps: `resetFrom` puts a step and every later one back to pending (core's
 * `resetStepsFrom`: a fresh consent, a re-onboarding); `begin` starts a step (core's `startStep`: a failed
 * step goes back to pending first, a running one stays as it is); `to` moves it (legality checked by core),
 * with staff's message and the step's detail.
 */
export type StepMove =
  | { resetFrom: OnboardingStep }
  | { step: OnboardingStep; begin: true }
  | { step: OnboardingStep; to: StepStatus; message?: string | null; detail?: unknown }

/**
 * The customer columns a step move may set with it (the bound or consenting tenant, what the prerequisites
 * read, the failure staff see). A closed set: they are written by one statement with fixed column names.
 */
export interface StepCustomerColumns {
  tenantId?: string | null
  consentedTenantId?: string | null
  tenantDisplayName?: string | null
  verifiedDomains?: string[]
  licence?: Licence
  lastFailureReason?: string | null
}

const CUSTOMER_COLUMN_SQL: {
  [K in keyof Required<StepCustomerColumns>]: (value: StepCustomerColumns[K]) => Prisma.Sql
} = {
  tenantId: (v) => Prisma.sql`tenant_id = ${v ?? null}::uuid`,
  consentedTenantId: (v) => Prisma.sql`consented_tenant_id = ${v ?? null}::uuid`,
  tenantDisplayName: (v) => Prisma.sql`tenant_display_name = ${v ?? null}::text`,
  verifiedDomains: (v) => Prisma.sql`verified_domains = ${v ?? []}::text[]`,
  licence: (v) => Prisma.sql`licence = ${v ?? 'unknown'}::licence`,
  lastFailureReason: (v) => Prisma.sql`last_failure_reason = ${v ?? null}::text`,
}

/** The moves to make, or how to choose them from the steps as they are now (read in the same transaction). */
export type StepMoves = readonly StepMove[] | ((steps: readonly StepRecord[]) => readonly StepMove[])

/** A step's status in `steps` (as `loadSteps` reads them: a step without a row is pending). */
export function statusOf(steps: readonly StepRecord[], step: OnboardingStep): StepStatus | undefined {
  return steps.find((record) => record.step === step)?.status
}

/**
 * Applies `moves` in order over ONE read of the steps, writes each changed step once and the customer once:
 * its onboarding state (derived by core), its version, and `customer` (other columns the same change sets,
 * such as the bound tenant). A step's success and the next step's start are one call, so an onboarding
 * costs a transaction per step rather than two. Moves that depend on a step's status are chosen by a
 * function of the steps as read; when it chooses none and `customer` is empty, nothing is written.
 */
export async function moveSteps(
  tx: Tx,
  customerId: string,
  moves: StepMoves,
  now: Date,
  customer: StepCustomerColumns = {},
): Promise<{ steps: StepRecord[]; state: string }> {
  const { steps: before, stored } = await readSteps(tx, customerId)
  const chosen = typeof moves === 'function' ? moves(before) : moves
  if (chosen.length === 0 && setColumns(customer).length === 0)
    return { steps: before, state: deriveOnboardingState(before) }
  let after = before
  const details = new Map<OnboardingStep, unknown>()
  for (const move of chosen) {
    if ('resetFrom' in move) {
      after = resetStepsFrom(after, move.resetFrom)
      continue
    }
    if ('begin' in move) {
      after = startStep(after, move.step, now)
      continue
    }
    after = transitionStep(after, move.step, move.to, now, move.message ?? null)
    if (move.detail !== undefined) details.set(move.step, move.detail)
  }
  const state = await persist(tx, customerId, stored, after, details, customer)
  return { steps: after, state }
}

async function persist(
  tx: Tx,
  customerId: string,
  stored: ReadonlyMap<OnboardingStep, StepRecord>,
  after: StepRecord[],
  details: ReadonlyMap<OnboardingStep, unknown>,
  customer: StepCustomerColumns,
) {
  // Every step that differs from its row, and every step without one (so a customer that had none has all
  // of them after its first move).
  const changed = after.filter(
    (record) =>
      JSON.stringify(stored.get(record.step)) !== JSON.stringify(record) || details.has(record.step),
  )
  const onboardingState = deriveOnboardingState(after)
  // The customer first: its row lock is taken before any step row's (the order a cascade delete takes
  // them), and a customer that is gone stops the move before a step row would fail its foreign key. The
  // steps were read before that lock, so two movers of one customer at the same moment could both move
  // from the same read; the later commit wins.
  // Raw SQL: Prisma compiles every ORM query anew, and its query compiler and client are about a third of
  // the worker's onboarding CPU (BENCHMARKS.md, the onboarding wave's profile).
  const updated = await tx.$executeRaw`
    UPDATE customers SET ${Prisma.join(
      [
        Prisma.sql`onboarding_state = ${onboardingState}::onboarding_state`,
        Prisma.sql`version = version + 1`,
        Prisma.sql`updated_at = now()`,
        ...setColumns(customer),
      ],
      ', ',
    )}
    WHERE id = ${customerId}::uuid`
  if (updated === 0) throw new NotFoundError(`Customer ${customerId} does not exist.`)
  if (changed.length > 0) await writeSteps(tx, customerId, changed, details)
  return onboardingState
}

/** The SET clauses of the columns `customer` names (a property left undefined is not written). */
function setColumns(customer: StepCustomerColumns): Prisma.Sql[] {
  return (Object.keys(CUSTOMER_COLUMN_SQL) as (keyof StepCustomerColumns)[])
    .filter((key) => customer[key] !== undefined)
    .map((key) => (CUSTOMER_COLUMN_SQL[key] as (value: unknown) => Prisma.Sql)(customer[key]))
}

/**
 * Writes the changed steps in ONE statement (a step without a row is created). A step's
 * detail is replaced only when the move gave one; otherwise the detail of its last success stays.
 */
async function writeSteps(
  tx: Tx,
  customerId: string,
  records: readonly StepRecord[],
  details: ReadonlyMap<OnboardingStep, unknown>,
): Promise<void> {
  const rows = records.map((r) => {
    const detail = details.get(r.step)
    const json = detail === undefined ? null : JSON.stringify(detail)
    return Prisma.sql`(${r.step}::onboarding_step_name, ${r.status}::step_status, ${r.attempts}::int,
      ${r.startedAt}::timestamptz, ${r.finishedAt}::timestamptz, ${r.message}::text, ${json}::jsonb)`
  })
  await tx.$executeRaw`
    INSERT INTO onboarding_steps AS s
      (customer_id, step, status, attempts, started_at, finished_at, message, detail, updated_at)
    SELECT ${customerId}::uuid, v.step, v.status, v.attempts, v.started_at, v.finished_at, v.message, v.detail, now()
    FROM (VALUES ${Prisma.join(rows)}) AS v (step, status, attempts, started_at, finished_at, message, detail)
    ON CONFLICT (customer_id, step) DO UPDATE SET
      status = EXCLUDED.status, attempts = EXCLUDED.attempts, started_at = EXCLUDED.started_at,
      finished_at = EXCLUDED.finished_at, message = EXCLUDED.message,
      detail = COALESCE(EXCLUDED.detail, s.detail), updated_at = EXCLUDED.updated_at`
}

/** Moves one step (legality checked by core) and keeps the customer's onboarding state in line. */
export async function moveStep(
  tx: Tx,
  customerId: string,
  step: OnboardingStep,
  to: StepStatus,
  now: Date,
  message: string | null = null,
  detail?: unknown,
): Promise<{ steps: StepRecord[]; state: string }> {
  return moveSteps(tx, customerId, [{ step, to, message, detail }], now)
}

/** Puts `step` and all later steps back to pending (fresh consent, re-onboarding after offboarding). */
export async function resetFrom(tx: Tx, customerId: string, step: OnboardingStep): Promise<StepRecord[]> {
  // A reset clears the steps' times and sets none, so the clock passed is never read.
  return (await moveSteps(tx, customerId, [{ resetFrom: step }], new Date())).steps
}
