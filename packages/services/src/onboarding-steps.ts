import {
  deriveOnboardingState,
  initialSteps,
  resetStepsFrom,
  startStep,
  transitionStep,
  type OnboardingStep,
  type StepRecord,
  type StepStatus,
} from '@crosstrust/core'
import { Prisma, type Db, type Tx } from '@crosstrust/db'

/** The customer's steps in order, creating the six rows on first use. */
export async function loadSteps(tx: Db | Tx, customerId: string): Promise<StepRecord[]> {
  const rows = await tx.onboardingStep.findMany({ where: { customerId } })
  if (rows.length === 0) {
    await tx.onboardingStep.createMany({
      data: initialSteps().map((s) => ({ customerId, step: s.step, status: s.status })),
      skipDuplicates: true,
    })
    return initialSteps()
  }
  return initialSteps().map((initial) => {
    const row = rows.find((r) => r.step === initial.step)
    return row
      ? {
          step: row.step,
          status: row.status,
          attempts: row.attempts,
          startedAt: row.startedAt,
          finishedAt: row.finishedAt,
          message: row.message,
        }
      : initial
  })
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

/** The moves to make, or how to choose them from the steps as they are now (read in the same transaction). */
export type StepMoves = readonly StepMove[] | ((steps: readonly StepRecord[]) => readonly StepMove[])

/** A step's status in `steps` (undefined when its row does not exist yet). */
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
  customer: Prisma.CustomerUpdateInput = {},
): Promise<{ steps: StepRecord[]; state: string }> {
  const before = await loadSteps(tx, customerId)
  const chosen = typeof moves === 'function' ? moves(before) : moves
  if (chosen.length === 0 && Object.keys(customer).length === 0)
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
  const state = await persist(tx, customerId, before, after, details, customer)
  return { steps: after, state }
}

async function persist(
  tx: Tx,
  customerId: string,
  before: StepRecord[],
  after: StepRecord[],
  details: ReadonlyMap<OnboardingStep, unknown>,
  customer: Prisma.CustomerUpdateInput,
) {
  const changed = after.filter((record) => {
    const old = before.find((b) => b.step === record.step)
    return !old || JSON.stringify(old) !== JSON.stringify(record) || details.has(record.step)
  })
  if (changed.length > 0) await writeSteps(tx, customerId, changed, details)
  const onboardingState = deriveOnboardingState(after)
  await tx.customer.update({
    where: { id: customerId },
    data: { ...customer, onboardingState, version: { increment: 1 } },
  })
  return onboardingState
}

/**
 * Writes the changed steps in ONE statement (a row missing from an older customer is created). A step's
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
