import { decideOnboardingFailure, describeOnboardingProblem, onboardingTransition } from '@crosstrust/core'
import { isTransientDatabaseError } from '@crosstrust/db'
import { MicrosoftError } from '@crosstrust/microsoft'
import { recordAudit } from '../audit.ts'
import { SYSTEM_ACTOR } from '../context.ts'
import { recordStateChange } from '../notifications/record-state-change.ts'
import { moveSteps, statusOf } from '../onboarding-steps.ts'
import { OnboardingRetryLater, StepFailure, type OnboardingRun } from './types.ts'

/**
 * What a failed run leaves behind. A passing Microsoft fault with attempts left puts the step back to pending
 * and throws `OnboardingRetryLater`; anything else fails the step with a message staff can act on, and
 * returns the notification deliveries to enqueue after the commit.
 */
export async function recordFailure(run: OnboardingRun, err: unknown): Promise<string[]> {
  const { deps, customer } = run
  const { ctx } = deps
  const decision = decideOnboardingFailure({
    attempt: deps.attempt,
    microsoftErrorKind: err instanceof MicrosoftError ? err.kind : null,
    status: err instanceof MicrosoftError ? err.status : undefined,
    transientDatabase: isTransientDatabaseError(err),
  })
  if (decision.action === 'retry_later') {
    const step = run.current
    await ctx.db.$transaction((tx) =>
      moveSteps(
        tx,
        customer.id,
        (steps) =>
          statusOf(steps, step) === 'running' ? [{ step, to: 'pending', message: decision.message }] : [],
        ctx.now(),
      ),
    )
    deps.log?.('onboarding step will be retried', {
      step: run.current,
      kind: err instanceof MicrosoftError ? err.kind : 'database',
      attempt: deps.attempt?.current,
      ...(err instanceof MicrosoftError ? {} : { error: err instanceof Error ? err.message : String(err) }),
    })
    const retryAfterMs =
      err instanceof MicrosoftError && 'retryAfterMs' in err && typeof err.retryAfterMs === 'number'
        ? err.retryAfterMs
        : undefined
    throw new OnboardingRetryLater(decision.message, retryAfterMs)
  }
  const failure = asStepFailure(run, err)
  deps.log?.('onboarding step failed', { step: failure.step, reason: failure.message })
  const failedAt = ctx.now()
  return ctx.db.$transaction(async (tx) => {
    await moveSteps(
      tx,
      customer.id,
      (steps) => [
        // A step that failed before it started (its begin did not commit) is shown as having run.
        ...(statusOf(steps, failure.step) === 'pending'
          ? [{ step: failure.step, to: 'running' as const }]
          : []),
        { step: failure.step, to: 'failed', message: failure.message, detail: failure.detail },
      ],
      failedAt,
      { lastFailureReason: failure.message },
    )
    await recordAudit(tx, SYSTEM_ACTOR, {
      action: 'onboarding.failed',
      customerId: customer.id,
      after: { step: failure.step, reason: failure.message },
    })
    return recordStateChange(tx, {
      customerId: customer.id,
      customerName: customer.name,
      ...onboardingTransition(customer.onboardingState, 'failed'),
      at: failedAt,
      detail: failure.message,
    })
  })
}

function asStepFailure(run: OnboardingRun, err: unknown): StepFailure {
  if (err instanceof StepFailure) return err
  if (err instanceof MicrosoftError) return graphProblem(run, err)
  run.deps.log?.('onboarding step failed unexpectedly', {
    step: run.current,
    error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
  })
  // The text of an unexpected error (a database or library message) is for the log, not for staff pages or
  // webhooks, which get a fixed sentence.
  return new StepFailure(
    run.current,
    'An unexpected error stopped this step; it is in the worker log with this customer’s id. Retry the step; if it fails again, report it with the time shown here.',
  )
}

function graphProblem(run: OnboardingRun, err: MicrosoftError): StepFailure {
  const problem = describeOnboardingProblem({
    kind: 'graph_error',
    errorKind: err.kind === 'configuration' || err.kind === 'unknown_tenant' ? 'bad_request' : err.kind,
    status: err.status,
    code: err.code ?? (err.aadstsCodes[0] === undefined ? undefined : `AADSTS${err.aadstsCodes[0]}`),
    requestId: err.requestId,
  })
  return new StepFailure(run.current, `${problem.message} ${problem.nextStep}`, { error: err.toLog() })
}
